"""Inlines shared by the proposal admin's page."""

from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """History rows shown on the proposal's page: whoever may open the page may read them. The
    template shows the columns only (Django's tabular template would also print each row's str(),
    the raw codes "4: draft → open")."""

    template = "proposals/admin/history_inline.html"
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return True  # the proposal's page has already decided who sees it

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
