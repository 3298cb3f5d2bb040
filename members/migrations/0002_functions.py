from django.db import migrations

FUNCTIONS = [
    "savings_treasurer",
    "loan_committee",
    "audit_committee",
    "equipment_approver",
    "fair_committee",
]


def create_functions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in FUNCTIONS:
        Group.objects.get_or_create(name=name)


def remove_functions(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=FUNCTIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_functions, remove_functions)]
