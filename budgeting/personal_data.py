"""Personal data (filled in by the ballot work)."""


def register_personal_data_handler():
    pass
