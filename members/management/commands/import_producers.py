from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members import imports, selectors, services
from members.models import District, User


class Command(BaseCommand):
    help = (
        "Import producers (with people, products and star ratings) from a CSV or XLSX file "
        "in the layout of the import page. Prints what each row would do; writes only with "
        "--commit, and only when no row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--commit", action="store_true", help="write the file (without it: preview only)"
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the account recorded as registering new producers; it also limits the "
            "districts to those the account may see",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        content = path.read_bytes()
        by, scope = self._importer(options["by"])
        if options["commit"]:
            try:
                result = services.producers_import(file=content, by=by, district_scope=scope)
            except services.ImportRefused as refused:
                self._refuse(refused.preview)
            self._print(result.preview)
            self.stdout.write(_("Imported: %(summary)s") % {"summary": result.summary})
            return
        preview = imports.preview_file(content, district_scope=scope)
        if preview.has_errors:
            self._refuse(preview)
        self._print(preview)
        self.stdout.write(
            _(
                "Preview only: %(create)s producers to create, %(update)s to update, "
                "%(warnings)s warnings. Nothing was written: run again with --commit."
            )
            % {
                "create": preview.counts["producers_created"],
                "update": preview.counts["producers_updated"],
                "warnings": preview.counts["warnings"],
            }
        )

    def _importer(self, username: str | None):
        if not username:
            return None, District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {username!r}.")
        return user, selectors.districts_for(user)

    def _print(self, preview: "imports.Preview"):
        for message in preview.file_errors:
            self.stdout.write(f"error: {message}")
        for message in preview.file_warnings:
            self.stdout.write(f"warning: {message}")
        for row in preview.rows:
            self.stdout.write(f"{row.number:>5}  {row.action:<6}  {row.producer_name}")
            for message in row.errors:
                self.stdout.write(f"       error: {message}")
            for message in row.warnings:
                self.stdout.write(f"       warning: {message}")

    def _refuse(self, preview: "imports.Preview"):
        self._print(preview)
        counts = preview.counts
        raise CommandError(
            _("Nothing was written: %(errors)s rows have errors.")
            % {"errors": counts["error"] or len(preview.file_errors)}
        )
