from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("a failure made on purpose by the test of the error log")


urlpatterns = [path("test-only/fail/", fail), *portal_urlpatterns]
