"""URL routes. Every workspace-scoped URL starts with /w/<slug>/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from departments import views as departments_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", departments_views.set_language, name="set_language"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("departments.urls")),
    path("", include("journeys.urls")),
    path("", include("valuestreams.urls")),
    path("", include("workshop.urls")),
]

# A value the app refuses (e.g. `?step=²`) gets a page that names it.
handler400 = "departments.views.bad_request"
