from django.http import HttpRequest, HttpResponse


def handle_import_request(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
