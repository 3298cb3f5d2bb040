from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from otop_portal.lib import backup


class Command(BaseCommand):
    help = (
        "Replace the portal's database with a backup made by manage.py backup "
        "(pg_restore in one transaction), then check the savings books. Stop the portal first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .dump archive to restore.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for the database name first."
        )

    def handle(self, *args, file, yes=False, **options):
        path = Path(file)
        try:
            pg_restore = backup.client_tool("pg_restore")
            backup.check_archive(path, pg_restore)
            name = backup.database_name()
            if not yes:
                self._confirm(path, name)
            seconds = backup.restore(path)
        except backup.BackupProblem as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(f"Restored {path} into database {name} in {seconds:.1f} s.")
        self._check()

    def _confirm(self, path, name):
        self.stdout.write(
            f"This replaces everything in database {name} with the contents of {path}."
        )
        try:
            answer = input(f"Type the database name ({name}) to go on: ")
        except EOFError:
            answer = ""
        if answer.strip() != name:
            raise CommandError("Not restored: the name typed was not the database's.")

    def _check(self):
        self.stdout.write("Rows:")
        for label, count in backup.restored_counts():
            self.stdout.write(f"  {label:<24} {count}")
        unbalanced = backup.unbalanced_entries()
        for entry in unbalanced:
            self.stderr.write(f"Journal entry {entry} does not balance.")
        try:
            # the nightly check: sub-ledgers, control accounts, loans, holds, trial balance
            call_command("check_savings_books", stdout=self.stdout, stderr=self.stderr)
        except CommandError as problem:
            raise CommandError(f"Restored, but the check failed: {problem}") from problem
        if unbalanced:
            raise CommandError(
                f"Restored, but {len(unbalanced)} savings journal entries do not balance."
            )
