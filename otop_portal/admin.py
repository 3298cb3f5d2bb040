from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("OTOP network portal: administration")
admin.site.site_title = _("OTOP network portal")
admin.site.index_title = _("Provincial office administration")
