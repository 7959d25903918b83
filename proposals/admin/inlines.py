"""Inlines shared by the proposal admin's page."""

from citizens.admin_readonly import ReadOnlyInline

__all__ = ["ReadOnlyInline"]
