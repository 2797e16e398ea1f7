"""What the OpenAPI document cannot state, told to schemathesis (loaded through SCHEMATHESIS_HOOKS).

A schema describes each value alone. A few rules of the API depend on another field, on the path,
or on what is stored; a request that breaks one of them is schema-valid yet rightly refused with a
400 naming the field. Such a refusal is not counted as "valid data rejected" (ST202) when every
field it names is covered by a rule below; any other refusal, and every other check, still fails
the run. Each rule says why it exists.
"""
import re

import schemathesis

ANY = "*"
# (method and path, field, error code) → why the document cannot say it
RULES = {
    (ANY, "date_to", "VALIDATION_OUT_OF_RANGE"): "date_to must not be before date_from (two fields)",
    (ANY, "expires_at", "VALIDATION_OUT_OF_RANGE"): "a document's expiry is in the future (the clock)",
    (ANY, "email", "VALIDATION_REQUIRED_FIELD"): "a signer or approver needs an email or a phone (two fields)",
    (ANY, "name", "VALIDATION_DUPLICATE"): "a party's name is unique within its document (stored records)",
    (ANY, "email", "VALIDATION_DUPLICATE"): "a party's email is unique within its document (stored records)",
    ("POST /api/v1/document-engagements/{id}/parties/send", "parties", "VALIDATION_REQUIRED_FIELD"): "a document is sent to its parties once it has some (stored records)",
    ("POST /api/v1/document-engagements/bulk/export", "filters.date_to", "VALIDATION_OUT_OF_RANGE"): "the filters' date_to must not be before their date_from (two fields)",
    ("GET /api/v1/analytics/overview", "period", "VALIDATION_INVALID_VALUE"): "a named period excludes date_from and date_to (two fields)",
    ("GET /api/v1/analytics/export", "period", "VALIDATION_INVALID_VALUE"): "a named period excludes date_from and date_to (two fields)",
    (ANY, "date_from", "VALIDATION_OUT_OF_RANGE"): "an analytics period covers at most 3,660 days from date_from to date_to (two fields)",
    ("GET /api/v1/document-engagements", "cursor", "VALIDATION_INVALID_VALUE"): "a cursor is one links.next gave, for the same sort and order",
    ("GET /api/v1/document-engagements", "page", "VALIDATION_OUT_OF_RANGE"): "page numbers reach the first 10,000 rows: page × per_page (two fields)",
    (ANY, "contact_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the contact must exist (stored records)",
    (ANY, "external_id", "VALIDATION_DUPLICATE"): "one live document per external_source and external_id (stored records)",
    (ANY, "organization_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the organization must exist (stored records)",
    (ANY, "status", "VALIDATION_INVALID_VALUE"): "a status change must follow the document's lifecycle; only a failed or dead message is retried (stored status)",
    ("PUT /api/v1/contacts/{id}", "fullname", "VALIDATION_REQUIRED_FIELD"): "fullname may be cleared only when a first or last name is kept (stored record)",
    ("POST /api/v1/document-engagements/{id}/send", "recipient_email", "VALIDATION_REQUIRED_FIELD"): "the document may already have a recipient (stored record)",
    (ANY, "recipient_phone", "VALIDATION_REQUIRED_FIELD"): "a phone number is required for SMS, and for a code by SMS (channel, verify)",
    ("POST /api/v1/document-engagements/{id}/tokens", "recipient_email", "VALIDATION_REQUIRED_FIELD"): "a code by email needs the link's email (two fields)",
    (ANY, "token_options.recipient_email", "VALIDATION_REQUIRED_FIELD"): "a code by email needs the link's email (two fields)",
    (ANY, "token_options.recipient_phone", "VALIDATION_REQUIRED_FIELD"): "a code by SMS needs the link's phone (two fields)",
    (ANY, "phone", "VALIDATION_REQUIRED_FIELD"): "a party's code by SMS needs its phone (two fields)",
    (ANY, "token_options", "VALIDATION_INVALID_VALUE"): "link options apply only when generate_token is true (two fields)",
    ("POST /api/v1/webhooks", "url", "VALIDATION_INVALID_VALUE"): "a webhook's host must resolve, and only to public addresses (DNS)",
    ("PUT /api/v1/webhooks/{id}", "url", "VALIDATION_INVALID_VALUE"): "a webhook's host must resolve, and only to public addresses (DNS)",
    (ANY, "cc", "VALIDATION_INVALID_VALUE"): "copies are for email only (channel)",
    (ANY, "message", "VALIDATION_TOO_LONG"): "an SMS message is shorter than an email's (channel)",
    (ANY, "subject", "VALIDATION_REQUIRED_FIELD"): "an email template needs a subject, an SMS has none (path)",
    (ANY, "body", "VALIDATION_TOO_LONG"): "an SMS body is at most 1,600 characters, an email's 20,000 (path)",
    ("POST /api/v1/sync/{source}", "source", "VALIDATION_INVALID_VALUE"): "a partner syncs once an admin saved its token (stored settings)",
    ("POST /api/v1/sync/{source}", "api_token", "VALIDATION_INVALID_VALUE"): "the partner must accept the saved token (the partner)",
    ("POST /api/v1/sync/{source}", "base_url", "VALIDATION_INVALID_VALUE"): "the partner must answer at the saved address (the partner)",
    ("PUT /api/v1/integrations/{source}", "base_url", "VALIDATION_REQUIRED_FIELD"): "ProjectFlow has no default address to fall back to (path)",
    ("PUT /api/v1/integrations/{source}", "remove_api_token", "VALIDATION_INVALID_VALUE"): "a new token and its removal exclude each other (two fields)",
    ("PUT /api/v1/integrations/{source}", "remove_webhook_secret", "VALIDATION_INVALID_VALUE"): "a new secret and its removal exclude each other (two fields)",
    (ANY, "content.pricetables.rows.content", "VALIDATION_REQUIRED_FIELD"): "a price row without a product, and a title row, need content (row type, two fields)",
    (ANY, "content.pricetables.rows.price", "VALIDATION_REQUIRED_FIELD"): "a price row without a product needs its price (two fields)",
    (ANY, "content.pricetables.rows.discount", "VALIDATION_REQUIRED_FIELD"): "a discount row needs its percentage (row type)",
    (ANY, "content.pricetables.rows.product_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the product must exist (stored records)",
    (ANY, "content.pricetables.id", "VALIDATION_DUPLICATE"): "a table's id is unique within its document (two items)",
    (ANY, "content", "VALIDATION_OUT_OF_RANGE"): "the tables must come to less than 10^13 (the rows together)",
    (ANY, "total_amount", "VALIDATION_INVALID_VALUE"): "a document with price tables has their total (two fields, stored records)",
    (ANY, "choices", "VALIDATION_REFERENCE_NOT_FOUND"): "a choice names a row the recipient may choose (stored records)",
    (ANY, "choices", "VALIDATION_INVALID_VALUE"): "only an optional row is ticked, only an editable count changes (stored records)",
    (ANY, "directory_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the directory must exist (stored records)",
    (ANY, "vat_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the VAT group must exist (stored records)",
    (ANY, "sku", "VALIDATION_DUPLICATE"): "a product's SKU is unique (stored records)",
    (ANY, "template_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the template must exist (stored records)",
    (ANY, "document_id", "VALIDATION_REFERENCE_NOT_FOUND"): "the document a template starts from must exist (stored records)",
    ("POST /api/v1/document-engagements", "document_type", "VALIDATION_REQUIRED_FIELD"): "a document_type is required unless the template_id gives it (two fields, stored records)",
    ("POST /api/v1/document-engagements", "title", "VALIDATION_REQUIRED_FIELD"): "a title is required unless the template_id gives it (two fields, stored records)",
    ("POST /api/v1/document-templates", "document_type", "VALIDATION_REQUIRED_FIELD"): "a document_type is required unless the document_id gives it (two fields, stored records)",
    ("POST /api/v1/document-templates", "title", "VALIDATION_REQUIRED_FIELD"): "a title is required unless the document_id gives it (two fields, stored records)",
}

# Rules for fields named by the request itself: (pattern of the field, error code) → why.
PATTERN_RULES = {
    (r"^(leadCustomField|lead_custom_field|custom_fields)\.[^.]+$", "VALIDATION_DUPLICATE"):
        "custom field names ignore case: two keys that differ only in case are one field (two keys)",
}

# A recipient's link is shared by every generated request: once one signs, accepts or declines, the
# document's state refuses what follows, with the spec's codes (400).
DOCUMENT_STATE = {
    "DOCUMENT_ALREADY_SIGNED", "DOCUMENT_ALREADY_ACCEPTED", "DOCUMENT_ALREADY_DECLINED",
    "DOCUMENT_ALREADY_REGISTERED", "DOCUMENT_ALREADY_PAID", "DOCUMENT_EXPIRED", "DOCUMENT_CANCELLED",
}


def covered(operation, detail):
    # An item of a list is judged by the rule of its field: parties[2].email is an email.
    field, code = re.sub(r"^\w+\[\d+\]\.", "", detail.get("field") or ""), detail.get("code")
    # Nested lists are judged by their path without positions: content.pricetables[0].rows[2].price.
    nested = re.sub(r"\[\d+\]", "", detail.get("field") or "")
    return any((scope, name, code) in RULES for scope in (operation, ANY) for name in (field, nested)) or any(
        rule_code == code and re.match(pattern, nested) for pattern, rule_code in PATTERN_RULES)


def has_vanishing_number(value):
    """True when the value holds a number closer to 0 than 1e-128, which the API reads as 0."""
    if isinstance(value, float):
        return 0 < abs(value) < 1e-128
    if isinstance(value, dict):
        return any(has_vanishing_number(item) for item in value.values())
    if isinstance(value, list):
        return any(has_vanishing_number(item) for item in value)
    return False


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Drops an ST202 whose refusal comes from what a schema cannot state: a 400 naming only fields
    covered by RULES, or a document's state on a recipient's link; a sync's documented 503 when the
    partner cannot be reached; an ST201 whose only fault is a number the API reads as 0, or that was
    refused as too large (413). Keeps
    everything else."""
    # A partner that cannot be reached (here: no network) is the spec's documented 503, not a server error.
    if failure.code == "ST101" and response.status_code == 503 and case.operation.path == "/api/v1/sync/{source}":
        try:
            return response.json()["error"]["code"] != "EXTERNAL_SERVICE_UNAVAILABLE"
        except (ValueError, KeyError, TypeError):
            return True
    # JSON numbers closer to 0 than 1e-128 are read as 0 (the API's documented number model), so a
    # -1e-200 given for a "minimum 0" field is 0 to the server, not a negative number to refuse.
    if failure.code == "ST201" and has_vanishing_number(case.body):
        return False
    # A body over the size limit is refused before it is read (413): a refusal schemathesis does not list.
    if failure.code == "ST201" and response.status_code == 413:
        return False
    if failure.code != "ST202" or response.status_code != 400:
        return True
    try:
        error = response.json()["error"]
        code, details = error["code"], error["details"]
    except (ValueError, KeyError, TypeError):
        return True
    if case.operation.path.startswith("/p/") and code in DOCUMENT_STATE:
        return False
    # A typed code is checked against the last one sent to the link, if any (stored records).
    if case.operation.path == "/p/{token}/verify" and code == "VERIFICATION_INVALID":
        return False
    operation = f"{case.method.upper()} {case.operation.path}"
    return not details or not all(covered(operation, detail) for detail in details)

