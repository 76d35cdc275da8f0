from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from zi.api.filters import INTEGER


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``; at most 200 rows a page so no request loads a whole national table.

    Both are checked as the schema states them (``page`` ≥ 1, ``page_size`` 1–200, each given once): anything
    else answers 400 instead of being silently replaced by the default. A page past the end answers 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    max_page = 2**31 - 1

    def _number(self, request, name: str, maximum: int) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not INTEGER.match(values[0]) or not 1 <= int(values[0]) <= maximum:
            raise ValidationError({name: [_("Masukkan bilangan bulat 1–%(max)s.") % {"max": maximum}]})
        return int(values[0])

    def paginate_queryset(self, queryset, request, view=None):
        self._number(request, self.page_query_param, self.max_page)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        size = self._number(request, self.page_size_query_param, self.max_page_size)
        return size if size is not None else self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: self.max_page, self.page_size_query_param: self.max_page_size}
        for parameter in parameters:
            if parameter["name"] in bounds:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": bounds[parameter["name"]]}
        return parameters
