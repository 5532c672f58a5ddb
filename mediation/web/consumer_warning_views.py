"""Consumer warnings (消费预警和风险提示): the public list, and a bureau's drafting, publishing and
withdrawing of its own."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mediation.models import CaseCategory, ConsumerWarning, ConsumerWarningStatus, Region
from mediation.selectors.analysis import official_area, warnings_of_area
from mediation.services.consumer_warnings import (
    consumer_warning_draft,
    consumer_warning_edit,
    consumer_warning_publish,
    consumer_warning_withdraw,
    consumer_warnings_published,
)


def public_list(request):
    """消费提醒: the warnings bureaus have published, newest first. Public, no log-in."""
    return render(request, "web/consumer_warnings.html", {"warnings": consumer_warnings_published(limit=100)})


def public_page(request, warning_id: int):
    warning = get_object_or_404(
        ConsumerWarning.objects.select_related("region", "authority"),
        pk=warning_id,
        status=ConsumerWarningStatus.PUBLISHED,
    )
    category = dict(CaseCategory.choices).get(warning.category, "")
    return render(request, "web/consumer_warning.html", {"warning": warning, "category": category})


def _region_from(form) -> Region | None:
    code = form.get("region", "").strip()[:6]
    if not code:
        return None
    region = Region.objects.select_related("parent__parent").filter(code=code).first()
    if region is None:
        raise ValidationError({"region": [_("No region has the code %(code)s.") % {"code": code}]})
    return region


def _manage_context(request, **extra) -> dict:
    area = official_area(request.user)
    authority = request.user.official.authority
    return {
        "area": area,
        "categories": CaseCategory.choices,
        "own": ConsumerWarning.objects.filter(authority=authority).select_related("region").order_by("-id")[:100],
        **extra,
    }


@login_required
def manage(request):
    """A bureau's warnings, and a new draft (prefilled from an early warning of its area)."""
    area = official_area(request.user)
    draft = {"title": "", "body": "", "category": "", "region": area.code, "early_warning": ""}
    source = request.GET.get("from_warning", "").strip()
    if source.isdigit():
        early = warnings_of_area(area).filter(pk=int(source)).first()
        if early is not None:
            draft.update(category=early.category, region=early.region_id or area.code, early_warning=early.pk)
    if request.method == "POST":
        form = request.POST
        draft = {key: form.get(key, "") for key in draft}
        early = None
        if draft["early_warning"].isdigit():
            early = warnings_of_area(area).filter(pk=int(draft["early_warning"])).first()
        try:
            warning = consumer_warning_draft(
                actor=request.user,
                title=draft["title"],
                body=draft["body"],
                category=draft["category"].strip()[:3],
                region=_region_from(form),
                early_warning=early,
            )
        except ValidationError as error:
            context = _manage_context(request, draft=draft, errors=error.message_dict)
            return render(request, "web/consumer_warnings_manage.html", context, status=400)
        return redirect("web:consumer-warning-manage", warning_id=warning.pk)
    return render(request, "web/consumer_warnings_manage.html", _manage_context(request, draft=draft))


def _own(request, warning_id: int) -> ConsumerWarning:
    official_area(request.user)
    return get_object_or_404(
        ConsumerWarning.objects.select_related("region"), pk=warning_id, authority=request.user.official.authority
    )


@login_required
def manage_one(request, warning_id: int):
    """One of the bureau's warnings: edit a draft, publish it, or withdraw it once published."""
    warning = _own(request, warning_id)
    context = {
        "warning": warning,
        "categories": CaseCategory.choices,
        "events": warning.events.select_related("actor"),
    }
    if request.method == "POST":
        form = request.POST
        try:
            action = form.get("do", "")
            if action == "edit":
                consumer_warning_edit(
                    warning=warning,
                    actor=request.user,
                    title=form.get("title", ""),
                    body=form.get("body", ""),
                    category=form.get("category", "").strip()[:3],
                    region=_region_from(form),
                )
            elif action == "publish":
                consumer_warning_publish(warning=warning, actor=request.user)
            elif action == "withdraw":
                consumer_warning_withdraw(warning=warning, actor=request.user, reason=form.get("reason", ""))
            else:
                raise ValidationError({"do": [_("Choose to edit, publish or withdraw the warning.")]})
        except ValidationError as error:
            context.update(errors=error.message_dict, form=form)
            return render(request, "web/consumer_warning_manage.html", context, status=400)
        return redirect("web:consumer-warning-manage", warning_id=warning.pk)
    return render(request, "web/consumer_warning_manage.html", context)
