"""The SMS provider's webhook: each text received on the platform's number, posted with the shared
secret `SMS_INCOMING_TOKEN` in the X-SMS-Token header, becomes a draft for the hotline officials
(mediation.services.sms_incoming). Delivering the same text again (its reference) answers 200 with
the text kept the first time; a new one answers 201."""

import hmac

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from mediation.services.sms_incoming import incoming_sms_receive


class SmsProviderToken(permissions.BasePermission):
    message = _("The X-SMS-Token header does not carry the platform's shared secret for incoming texts.")

    def has_permission(self, request, view) -> bool:
        expected = settings.SMS_INCOMING_TOKEN
        given = request.headers.get("X-SMS-Token", "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class IncomingSmsInputSerializer(serializers.Serializer):
    # Lengths and forms are checked by the service, with messages a provider's engineer can act on.
    phone = serializers.CharField(help_text="The sender's phone in E.164 form, e.g. +8613812345678")
    text = serializers.CharField(trim_whitespace=False, help_text="The text, reassembled from its parts")
    reference = serializers.CharField(help_text="The provider's id of the text; a second delivery is kept once")
    # Read here, not by DRF's DateTimeField, which would take a time without its zone as Beijing time.
    received_at = serializers.CharField(
        required=False, help_text="When it was received, ISO 8601 with its time zone (default: now)"
    )

    def validate_received_at(self, value: str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise serializers.ValidationError(
                _("The time received must be ISO 8601 with its time zone, for example 2026-12-04T21:50:00+08:00.")
            )
        return parsed


class IncomingSmsView(APIView):
    authentication_classes: list = []
    permission_classes = [SmsProviderToken]

    @extend_schema(
        request=IncomingSmsInputSerializer,
        parameters=[OpenApiParameter("X-SMS-Token", str, OpenApiParameter.HEADER, required=True)],
        responses={
            201: inline_serializer(
                "IncomingSmsReceived", {"id": serializers.IntegerField(), "duplicate": serializers.BooleanField()}
            ),
            200: inline_serializer(
                "IncomingSmsDuplicate", {"id": serializers.IntegerField(), "duplicate": serializers.BooleanField()}
            ),
        },
        description="A text received on the platform's number (for the SMS provider).",
    )
    def post(self, request):
        serializer = IncomingSmsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incoming, created = incoming_sms_receive(
            phone=data["phone"],
            text=data["text"],
            provider_reference=data["reference"],
            received_at=data.get("received_at"),
        )
        return Response(
            {"id": incoming.pk, "duplicate": not created},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
