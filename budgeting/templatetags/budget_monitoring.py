"""The committee's monitoring where other budgeting pages show it: the count of concerns awaiting the
city's answer (and, for those who follow the implementation, the link to their page) on the
implementation page; the notes and answers on a project's page. Each tag costs one query (plus the
permission's for a signed-in visitor), whatever the data."""

import rules
from django import template

from ..selectors.monitoring import open_concern_count, project_notes

register = template.Library()


@register.inclusion_tag("budgeting/partials/monitoring_summary.html", takes_context=True)
def monitoring_summary(context, cycle):
    request = context.get("request")
    user = getattr(request, "user", None)
    may_follow = bool(
        user is not None and user.is_authenticated and rules.has_perm("budgeting.follow_implementation", user, cycle)
    )
    return {"cycle": cycle, "open_concerns": open_concern_count(cycle), "may_follow": may_follow}


@register.inclusion_tag("budgeting/partials/project_monitoring.html")
def project_monitoring(project):
    return {"project": project, "notes": project_notes(project)}
