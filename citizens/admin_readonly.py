from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Officials may list and open these records, never add, change or delete them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
