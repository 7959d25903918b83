"""Demo data of the governance records, in Korean and English; each part is idempotent."""


def seed():
    from . import committees, documents, org, research, reviews

    org.seed()
    research.seed()
    documents.seed()
    committees.seed()
    reviews.seed()
