from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from otop_portal.lib import backup


class Command(BaseCommand):
    help = (
        "Back up the portal's database with pg_dump (custom format) into BACKUP_DIR "
        "(default backups/) as otop-YYYYmmdd-HHMMSS.dump, keeping the newest BACKUP_KEEP "
        "(default 14)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", dest="to", help="Folder to write to (default BACKUP_DIR).")

    def handle(self, *args, to=None, **options):
        folder = Path(to) if to else backup.backup_dir()
        try:
            result = backup.backup(to_dir=folder, keep=backup.backup_keep())
        except backup.BackupProblem as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(
            f"Backed up database {backup.database_name()} to {result.path} "
            f"({_size(result.size)}) in {result.seconds:.1f} s."
        )
        for path in result.deleted:
            self.stdout.write(f"  deleted the older backup {path.name}")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
