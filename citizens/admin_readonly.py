from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Officials may list and open these records, never add, change or delete them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on an object's page: whoever may open the page may read them, nobody writes
    them here. The template shows the columns only (Django's tabular template would also print
    each row's str())."""

    template = "admin/readonly_inline.html"
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return True  # the object's page has already decided who sees it

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
