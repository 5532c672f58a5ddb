"""REST endpoints. Each one validates its input, calls one service or selector, and serializes."""

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView as BaseAPIView

from mediation.api import serializers as s
from mediation.models import (
    Authority,
    AuthorityKind,
    CaseNotice,
    Consumer,
    HelpRequest,
    IntakeChannel,
    JointComplaint,
    MarketEntity,
    Region,
)
from mediation.selectors.assistance import help_requests_of, help_requests_waiting
from mediation.selectors.cases import (
    QueueBucket,
    Viewer,
    authority_queue,
    case_for_public,
    case_for_viewer,
    cases_of_user,
    viewer_role,
)
from mediation.selectors.evidence import evidence_response
from mediation.selectors.joint import joint_complaint_view
from mediation.selectors.registry import registry_search
from mediation.selectors.rooms import mediation_document_for_viewer
from mediation.services import cases as case_services
from mediation.services.assistance import help_request_join, help_request_open, help_request_release, official_duty_set
from mediation.services.chat_grants import GRANT_HEADER, chat_grant_consumer
from mediation.services.consumer_warnings import consumer_warnings_published
from mediation.services.joint import joint_complaint_propose, joint_representatives_elect
from mediation.services.notices import notice_delivery_record
from mediation.services.people import consumer_register, consumer_sign_up, require_intake_official
from mediation.services.rooms import mediation_start
from mediation.services.transitions import ACTIONS, case_transition, move_arguments


class APIView(BaseAPIView):
    """Answers in the signed-in consumer's chosen language; otherwise in the request's (cookie or
    Accept-Language, Simplified Chinese by default). Token clients are authenticated only here,
    after the locale middleware has run, so the choice is made once the user is known."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        consumer = getattr(request.user, "consumer", None)
        if consumer is not None and consumer.preferred_language:
            translation.activate(consumer.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()


CASE_VIEW_SERIALIZERS = {
    Viewer.CONSUMER: s.ConsumerCaseSerializer,
    Viewer.OFFICIAL: s.OfficialCaseSerializer,
    Viewer.PARTNER_AGENCY: s.PartnerAgencyCaseSerializer,
    Viewer.MERCHANT: s.MerchantCaseSerializer,
}


class RegistrySearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Fragment of the name, or (part of) the code"),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter(
                "near",
                str,
                required=False,
                description="A region code, or a text naming the place (杭州, 杭州市西湖区文三路): "
                "that city's businesses first",
            ),
        ],
        responses=s.EntitySerializer(many=True),
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        near = request.query_params.get("near", "")
        if len(query) > 100:
            raise DjangoValidationError({"q": [_("The search text is too long (at most 100 characters).")]})
        if len(near) > 100:
            raise DjangoValidationError({"near": [_("The place is too long (at most 100 characters).")]})
        try:
            limit = int(request.query_params.get("limit", 20))
        except ValueError:
            raise DjangoValidationError({"limit": [_("limit must be a whole number.")]}) from None
        try:
            entities = registry_search(query=query, limit=limit, near=near)
        except DjangoValidationError as error:
            raise DjangoValidationError({"q": error.messages}) from None
        return Response(s.EntitySerializer(entities, many=True).data)


class EntityDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.EntityRegistrySerializer)
    def get(self, request, entity_id: int):
        entity = get_object_or_404(MarketEntity.objects.select_related("platform"), pk=entity_id)
        return Response(s.EntityRegistrySerializer(entity).data)


def _consumer_on_whose_behalf(request, consumer_id: int | str, *, refusal: str) -> Consumer:
    """The registered consumer the triage bot acts for: the one its chat's grant names (see
    services/chat_grants.py), who must also be the consumer it names by id (a number, or the text
    of a query parameter). Its right to act on a consumer's behalf is checked first; `refusal` says
    what someone without it may not do."""
    if not request.user.has_perm("mediation.file_on_behalf_of_consumer"):
        raise PermissionDenied(refusal)
    if isinstance(consumer_id, str) and not (consumer_id.isascii() and consumer_id.isdigit()):
        raise DjangoValidationError({"consumer": [_("consumer must be a whole number.")]})
    consumer = chat_grant_consumer(request.headers.get(GRANT_HEADER))
    if consumer.pk != int(consumer_id):
        raise PermissionDenied(_("The chat's grant is for another consumer."))
    return consumer


def _filing_party(request, data: dict) -> tuple[Consumer | None, str, object]:
    """Who files and through which channel: a consumer for themself, the bot's service account on a
    consumer's behalf, or an official of a bureau entering a hotline, letter or visit case."""
    user = request.user
    consumer_id = data.pop("consumer", None)
    caller = data.pop("caller", None)
    channel = data.pop("intake_channel", None)
    official = getattr(user, "official", None)
    if official is not None and (caller or channel):
        require_intake_official(user)
        if consumer_id is not None:
            # Naming an existing person would put their case, and with it their real-name data,
            # in the official's hands: every caller is entered with what they themself gave.
            raise PermissionDenied(_("Enter the caller's own real-name data; an existing consumer cannot be named."))
        if not channel:
            raise DjangoValidationError({"intake_channel": [_("Say how the case arrived: hotline, letter or visit.")]})
        if not caller:
            raise DjangoValidationError({"caller": [_("Give the caller's real-name data.")]})
        return consumer_register(user=None, **caller), channel, user
    if caller or channel:
        raise PermissionDenied(_("Only officials enter cases for a caller."))
    if consumer_id is not None:
        refusal = _("You may not file a case on someone else's behalf.")
        return _consumer_on_whose_behalf(request, consumer_id, refusal=refusal), IntakeChannel.BOT, None
    consumer = getattr(user, "consumer", None)
    if consumer is None:
        raise PermissionDenied(_("Only a registered consumer can file a case. Please complete real-name registration."))
    return consumer, IntakeChannel.WEB, None


def _filing_arguments(request, data: dict, *, party: str) -> dict:
    """Service arguments for a filing: the validated fields plus who files it, under the name the
    service gives that person (`consumer` for a complaint, `reporter` for a report)."""
    consumer, channel, entered_by = _filing_party(request, data)
    return {**data, party: consumer, "intake_channel": channel, "entered_by": entered_by}


class ComplaintSubmitView(APIView):
    @extend_schema(request=s.ComplaintInputSerializer, responses={201: s.ConsumerCaseSerializer})
    def post(self, request):
        serializer = s.ComplaintInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():  # a hotline caller's record is kept only with their case
            case = case_services.complaint_submit(
                **_filing_arguments(request, dict(serializer.validated_data), party="consumer")
            )
        return Response(s.ConsumerCaseSerializer(case).data, status=status.HTTP_201_CREATED)


class ReportSubmitView(APIView):
    @extend_schema(request=s.ReportInputSerializer, responses={201: s.ConsumerCaseSerializer})
    def post(self, request):
        serializer = s.ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            case = case_services.report_submit(
                **_filing_arguments(request, dict(serializer.validated_data), party="reporter")
            )
        return Response(s.ConsumerCaseSerializer(case).data, status=status.HTTP_201_CREATED)


class MixedSubmitView(APIView):
    @extend_schema(
        request=s.MixedInputSerializer,
        responses={
            201: inline_serializer(
                "MixedSubmission", {"complaint": s.ConsumerCaseSerializer(), "report": s.ConsumerCaseSerializer()}
            )
        },
    )
    def post(self, request):
        serializer = s.MixedInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            complaint, report = case_services.mixed_submit(
                complaint=_filing_arguments(request, dict(serializer.validated_data["complaint"]), party="consumer"),
                report=_filing_arguments(request, dict(serializer.validated_data["report"]), party="reporter"),
            )
        return Response(
            {"complaint": s.ConsumerCaseSerializer(complaint).data, "report": s.ConsumerCaseSerializer(report).data},
            status=status.HTTP_201_CREATED,
        )


ON_BEHALF_PARAMETER = OpenApiParameter(
    "consumer",
    int,
    required=False,
    description="Only for the triage bot: read as this registered consumer, who asked it in the chat.",
)


def _reading_user(request):
    """Whose view of the cases to give: the requester's own, or, for the triage bot (the right to
    act on a consumer's behalf), that of the consumer named in `?consumer=`."""
    consumer_id = request.query_params.get("consumer")
    if consumer_id is None:
        return request.user
    refusal = _("You may not read cases on someone else's behalf.")
    return _consumer_on_whose_behalf(request, consumer_id, refusal=refusal).user


class CaseListView(APIView):
    @extend_schema(parameters=[ON_BEHALF_PARAMETER], responses=s.CaseListItemSerializer(many=True))
    def get(self, request):
        user = _reading_user(request)
        cases = cases_of_user(user=user)[:200]
        return Response(s.CaseListItemSerializer(cases, many=True, context={"user": user}).data)


class CaseDetailView(APIView):
    @extend_schema(
        parameters=[ON_BEHALF_PARAMETER],
        responses=s.ConsumerCaseSerializer,
        description="The case as the requester's role sees it: consumer, official or business.",
    )
    def get(self, request, number: str):
        case, role = case_for_viewer(user=_reading_user(request), number=number)
        return Response({"viewer": role, **CASE_VIEW_SERIALIZERS[role](case).data})

    @extend_schema(
        request=s.CaseCorrectionSerializer,
        responses=s.ConsumerCaseSerializer,
        description="The consumer corrects a case returned for correction, then resubmits it with the "
        "`resubmit` action.",
    )
    def patch(self, request, number: str):
        case, role = case_for_viewer(user=request.user, number=number)
        serializer = s.CaseCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_services.case_correct(case=case, actor=request.user, changes=dict(serializer.validated_data))
        case, role = case_for_viewer(user=request.user, number=number)
        return Response({"viewer": role, **CASE_VIEW_SERIALIZERS[role](case).data})


class CaseActionView(APIView):
    @extend_schema(
        request=s.CaseActionInputSerializer,
        responses=s.ConsumerCaseSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=ACTIONS)],
    )
    def post(self, request, number: str, action: str):
        case, role = case_for_viewer(user=request.user, number=number)
        serializer = s.CaseActionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = dict(serializer.validated_data)
        co_mediator = arguments.pop("co_mediator")
        if action == "start_mediation":
            mediation_start(case=case, actor=request.user, co_mediator=co_mediator)
        elif co_mediator is not None:
            raise DjangoValidationError({"co_mediator": [_("A co-mediator is chosen only when mediation starts.")]})
        else:
            case = case_transition(case=case, action=action, actor=request.user, **move_arguments(arguments))
        if action == "forward" and viewer_role(request.user, case) is None:
            # Forwarded away: this bureau no longer sees the case.
            return Response({"number": case.number, "forwarded_to": case.handling_authority.name})
        case, role = case_for_viewer(user=request.user, number=number)
        return Response({"viewer": role, **CASE_VIEW_SERIALIZERS[role](case).data})


class MediationDocumentView(APIView):
    @extend_schema(
        responses={(200, "text/html"): OpenApiTypes.STR},
        parameters=[OpenApiParameter("download", bool, description="Send as a file to save.")],
        description="调解书: the mediation document of a case in mediation, as a printable HTML page. "
        "The business's copy names the consumer by a masked name.",
    )
    def get(self, request, number: str):
        case, role = case_for_viewer(user=request.user, number=number)
        document = mediation_document_for_viewer(case=case, viewer=role)
        if document is None:
            raise Http404
        page = render_to_string("mediation/mediation_document.html", {"case": case, **document}, request=request)
        response = HttpResponse(page, content_type="text/html; charset=utf-8")
        disposition = "attachment" if request.query_params.get("download") in ("1", "true") else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="mediation-document-{case.number}.html"'
        return response


class EvidenceUploadView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("EvidenceUpload", {"file": serializers.FileField()})},
        responses={201: s.EvidenceSerializer},
    )
    def post(self, request, number: str):
        case, _role = case_for_viewer(user=request.user, number=number)
        upload = request.FILES.get("file")
        if upload is None:
            raise DjangoValidationError({"file": [_("Attach a file in the field “file”.")]})
        # One byte over the limit is enough for the service to refuse it with a message.
        content = upload.read(settings.EVIDENCE_MAX_BYTES + 1)
        evidence = case_services.evidence_attach(case=case, uploaded_by=request.user, name=upload.name, content=content)
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceFileView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        description="One evidence file, for whoever may see the case: sent as an attachment of the type "
        "read from its bytes, never shown as a page.",
    )
    def get(self, request, number: str, evidence_id: int):
        case, _role = case_for_viewer(user=request.user, number=number)
        evidence = get_object_or_404(case.evidence, pk=evidence_id)
        return evidence_response(evidence)


class PublicCaseView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.PublicCaseSerializer)
    def get(self, request, number: str):
        return Response(s.PublicCaseSerializer(case_for_public(number=number)).data)


class PublicConsumerWarningsView(APIView):
    """The published consumer warnings, newest first; with `region`, those of that region and of the
    regions above it."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("region", str, required=False, description="A region code")],
        responses=s.PublicConsumerWarningSerializer(many=True),
    )
    def get(self, request):
        code = request.query_params.get("region", "").strip()
        region = None
        if code:
            region = Region.objects.select_related("parent__parent").filter(code=code[:6]).first()
            if region is None or len(code) != 6:
                raise DjangoValidationError({"region": [_("No region has the code %(code)s.") % {"code": code[:20]}]})
        warnings = consumer_warnings_published(region=region, limit=20)
        return Response(s.PublicConsumerWarningSerializer(warnings, many=True).data)


class AuthorityQueueView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("bucket", str, enum=[b.value for b in QueueBucket])],
        responses=s.CaseListItemSerializer(many=True),
    )
    def get(self, request, authority_id: int):
        authority = get_object_or_404(Authority, pk=authority_id)
        official = getattr(request.user, "official", None)
        if official is None or official.authority_id != authority.pk:
            raise PermissionDenied(_("Only officials of this authority see its queue."))
        bucket = request.query_params.get("bucket", QueueBucket.OPEN)
        if bucket not in QueueBucket.__members__.values():
            raise DjangoValidationError(
                {"bucket": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(b.value for b in QueueBucket)}]}
            )
        cases = authority_queue(authority=authority, bucket=bucket)[:500]
        return Response(s.CaseListItemSerializer(cases, many=True).data)


class SessionStartView(APIView):
    """A view that signs someone in (log-in, sign-up). DRF checks CSRF only for a user already
    signed in; here it is checked for everyone, so that another site cannot sign a visitor in to an
    account of its choosing (log-in CSRF). Scripts on the site's own pages send the CSRF cookie's
    token in X-CSRFToken."""

    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        SessionAuthentication().enforce_csrf(request)
        super().initial(request, *args, **kwargs)


class SignUpView(SessionStartView):
    @extend_schema(
        request=s.SignUpSerializer,
        responses={201: inline_serializer("SignedUp", {"consumer_id": serializers.IntegerField()})},
    )
    def post(self, request):
        serializer = s.SignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("preferred_language", "en" if request.LANGUAGE_CODE == "en" else "zh-hans")
        consumer = consumer_sign_up(**data)
        login(request, consumer.user, backend="channels_app.auth_backends.PreparedModelBackend")
        return Response({"consumer_id": consumer.pk}, status=status.HTTP_201_CREATED)


class LoginView(SessionStartView):
    @extend_schema(
        request=s.LoginSerializer,
        responses={204: None},
        description="429 with code locked_out after five wrong passwords for the account, for 15 minutes.",
    )
    def post(self, request):
        serializer = s.LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request: the log-in protection (django-axes) marks it, and its middleware
        # answers a locked-out account.
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            raise DjangoValidationError({"non_field_errors": [_("Wrong user name or password.")]})
        login(request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HelpRequestListView(APIView):
    @extend_schema(
        responses=s.OfficialHelpRequestSerializer(many=True),
        description="For an official: the open requests for a person at their authority, oldest first. "
        "For a consumer: their own requests, newest first.",
    )
    def get(self, request):
        official = getattr(request.user, "official", None)
        if official is not None:
            requests = help_requests_waiting(authority=official.authority)
            serializer = (
                s.PartnerHelpRequestSerializer
                if official.authority.kind == AuthorityKind.PARTNER_AGENCY
                else s.OfficialHelpRequestSerializer
            )
            return Response(serializer(requests, many=True).data)
        consumer = getattr(request.user, "consumer", None)
        if consumer is None:
            raise PermissionDenied(_("Only consumers and officials have requests for a person."))
        return Response(s.HelpRequestSerializer(help_requests_of(consumer=consumer), many=True).data)

    @extend_schema(
        request=s.HelpRequestInputSerializer,
        responses={201: s.HelpRequestSerializer, 200: s.HelpRequestSerializer},
        description="转人工: put the consumer in a live chat with the officials on duty (201), or give the "
        "request they already have open (200). 409 with code nobody_on_duty when no official is on duty.",
    )
    def post(self, request):
        serializer = s.HelpRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "consumer" in data:
            refusal = _("You may not ask for a person on someone else's behalf.")
            consumer = _consumer_on_whose_behalf(request, data["consumer"], refusal=refusal)
        else:
            consumer = getattr(request.user, "consumer", None)
            if consumer is None:
                raise PermissionDenied(_("Only a registered consumer can ask for a person."))
        help_request, created = help_request_open(consumer=consumer, summary=data.get("summary"))
        return Response(
            s.HelpRequestSerializer(help_request).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _help_request_of_officials(request, help_request_id: int) -> HelpRequest:
    if getattr(request.user, "official", None) is None:
        raise PermissionDenied(_("Only officials answer requests for a person."))
    return get_object_or_404(HelpRequest.objects.select_related("authority", "room"), pk=help_request_id)


class HelpRequestJoinView(APIView):
    @extend_schema(
        request=None,
        responses=s.OfficialHelpRequestSerializer,
        description="An official of the request's authority takes a seat in its chat.",
    )
    def post(self, request, help_request_id: int):
        help_request = _help_request_of_officials(request, help_request_id)
        help_request_join(help_request=help_request, user=request.user)
        return Response(s.OfficialHelpRequestSerializer(help_request).data)


class HelpRequestReleaseView(APIView):
    @extend_schema(
        request=None,
        responses=s.OfficialHelpRequestSerializer,
        description="An official ends the chat and hands the consumer back to the bot.",
    )
    def post(self, request, help_request_id: int):
        help_request = _help_request_of_officials(request, help_request_id)
        if not help_request.is_open:
            raise DjangoValidationError(_("This request has been answered and released."))
        help_request = help_request_release(help_request=help_request, user=request.user)
        return Response(s.OfficialHelpRequestSerializer(help_request).data)


class OfficialDutyView(APIView):
    @extend_schema(
        request=s.DutyInputSerializer,
        responses=s.DutyInputSerializer,
        description="An official comes on or goes off duty for consumers who ask the bot for a person.",
    )
    def put(self, request):
        official = getattr(request.user, "official", None)
        if official is None:
            raise PermissionDenied(_("Only officials go on duty."))
        serializer = s.DutyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        official = official_duty_set(official=official, on_duty=serializer.validated_data["on_duty"])
        return Response({"on_duty": official.on_duty})


def _joint_of_official(request, joint_id: int) -> JointComplaint:
    """A joint complaint of the official's own bureau; 404 for anyone else, as for cases."""
    official = getattr(request.user, "official", None)
    joint = JointComplaint.objects.filter(pk=joint_id).first()
    if joint is None or official is None or official.authority_id != joint.handling_authority_id:
        raise Http404
    return joint


class JointComplaintCreateView(APIView):
    @extend_schema(
        request=s.JointProposeSerializer,
        responses={201: s.JointComplaintSerializer},
        description="The handling bureau proposes handling two or more complaints jointly (Order 121 Art. 12): "
        "the same business, the same dispute, different complainants. Each complainant then consents "
        "(`consent_to_joint_handling`) or declines.",
    )
    def post(self, request):
        serializer = s.JointProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        joint = joint_complaint_propose(
            official_user=request.user,
            numbers=serializer.validated_data["cases"],
            dispute=serializer.validated_data["dispute"],
        )
        return Response(joint_complaint_view(joint), status=status.HTTP_201_CREATED)


class JointComplaintView(APIView):
    @extend_schema(responses=s.JointComplaintSerializer, description="A joint complaint, for its handling bureau.")
    def get(self, request, joint_id: int):
        return Response(joint_complaint_view(_joint_of_official(request, joint_id)))


class JointRepresentativesView(APIView):
    @extend_schema(
        request=s.JointElectSerializer,
        responses=s.JointComplaintSerializer,
        description="Record the complainants' written election of one or two representatives from among them "
        "(Order 121 Art. 12), once every complainant has agreed to joint handling.",
    )
    def post(self, request, joint_id: int):
        joint = _joint_of_official(request, joint_id)
        serializer = s.JointElectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        joint = joint_representatives_elect(
            official_user=request.user,
            joint=joint,
            numbers=serializer.validated_data["representatives"],
            election_record=serializer.validated_data["election_record"],
        )
        return Response(joint_complaint_view(joint))


class NoticeGivenView(APIView):
    @extend_schema(
        request=s.NoticeGivenSerializer,
        responses=s.NoticeGivenSerializer,
        description="An official of the handling bureau records telling a recipient without an account a notice "
        "the rules require, by phone, post or in person.",
    )
    def post(self, request, number: str, notice_id: int):
        case, _role = case_for_viewer(user=request.user, number=number)
        notice = get_object_or_404(CaseNotice, pk=notice_id, case=case)
        serializer = s.NoticeGivenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = notice_delivery_record(
            notice=notice, official_user=request.user, channel=serializer.validated_data["channel"]
        )
        return Response({"channel": notice.delivery_channel, "given_at": notice.delivered_offline_at})
