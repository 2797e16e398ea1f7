import Engage

// What the portal calls the product's values, in the reader's language. Each is a switch, so a
// new case cannot go without its words.

/// A value the portal names in the reader's language, and offers as a choice by its raw value.
protocol PortalNamed: RawRepresentable where RawValue == String {
    var label: String { get }
}

extension SelectOption {
    /// An option per value of `choices`, labelled in the reader's language.
    static func named<T: PortalNamed>(_ choices: [T], selected: String?) -> [SelectOption] {
        choices.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }
}

extension DocumentStatus: PortalNamed {}
extension DocumentType: PortalNamed {}
extension MessageChannel: PortalNamed {}
extension MessagePurpose: PortalNamed {}
extension PriceRow.Kind: PortalNamed {}
extension User.Role: PortalNamed {}
extension DocumentParty.Role: PortalNamed {}

extension VerificationChannel {
    /// The identity check, as the link and party forms offer it.
    var label: String {
        PortalLocale.current.text(self == .email ? "identityCheckEmail" : "identityCheckSms")
    }
}

extension DocumentStatus {
    var label: String {
        let key = switch self {
        case .draft: "statusDraft"
        case .pending: "statusPending"
        case .sent: "statusSent"
        case .viewed: "statusViewed"
        case .downloaded: "statusDownloaded"
        case .accepted: "statusAccepted"
        case .signed: "statusSigned"
        case .paid: "statusPaid"
        case .rejected: "statusRejected"
        case .expired: "statusExpired"
        case .cancelled: "statusCancelled"
        }
        return PortalLocale.current.text(key)
    }

    /// The badge's class: one colour per status (`status-signed`), the same on every page.
    var badgeClass: String { "status-\(rawValue)" }
}

extension DocumentType {
    var label: String {
        let key = switch self {
        case .pennylaneQuote: "typePennylaneQuote"
        case .pennylaneInvoice: "typePennylaneInvoice"
        case .projectApproval: "typeProjectApproval"
        case .custom: "typeCustom"
        }
        return PortalLocale.current.text(key)
    }
}

extension EventType {
    var label: String {
        let key = switch self {
        case .pageViewed: "eventPageViewed"
        case .pdfDownloaded: "eventPdfDownloaded"
        case .emailOpened: "eventEmailOpened"
        case .linkClicked: "eventLinkClicked"
        case .paymentClicked: "eventPaymentClicked"
        case .accepted: "eventAccepted"
        case .signed: "eventSigned"
        case .registered: "eventRegistered"
        case .declined: "eventDeclined"
        case .tokenCreated: "eventTokenCreated"
        case .tokenRevoked: "eventTokenRevoked"
        case .statusChanged: "eventStatusChanged"
        case .emailQueued: "eventEmailQueued"
        case .smsQueued: "eventSmsQueued"
        case .emailFailed: "eventEmailFailed"
        case .smsFailed: "eventSmsFailed"
        case .partnerUpdated: "eventPartnerUpdated"
        case .partnerUpdateFailed: "eventPartnerUpdateFailed"
        case .partyCompleted: "eventPartyCompleted"
        case .partyTransferred: "eventPartyTransferred"
        case .verificationSent: "eventVerificationSent"
        case .identityVerified: "eventIdentityVerified"
        }
        return PortalLocale.current.text(key)
    }
}

extension DeviceType {
    var label: String {
        let key = switch self {
        case .desktop: "deviceDesktop"
        case .mobile: "deviceMobile"
        case .tablet: "deviceTablet"
        case .bot: "deviceBot"
        }
        return PortalLocale.current.text(key)
    }
}

extension RecipientAction {
    var label: String {
        let key = switch self {
        case .view: "actionView"
        case .download: "actionDownload"
        case .accept: "actionAccept"
        case .sign: "actionSign"
        case .register: "actionRegister"
        case .decline: "actionDecline"
        }
        return PortalLocale.current.text(key)
    }
}

extension MessageChannel {
    var label: String {
        let key = switch self {
        case .email: "channelEmail"
        case .sms: "channelSms"
        }
        return PortalLocale.current.text(key)
    }
}

extension OutboxStatus {
    var label: String {
        let key = switch self {
        case .queued: "outboxQueued"
        case .sending: "outboxSending"
        case .sent: "outboxSent"
        case .failed: "outboxFailed"
        case .dead: "outboxDead"
        }
        return PortalLocale.current.text(key)
    }
}

extension MessagePurpose {
    var label: String {
        let key = switch self {
        case .quoteNotification: "purposeQuoteNotification"
        case .invoiceNotification: "purposeInvoiceNotification"
        case .approvalRequest: "purposeApprovalRequest"
        case .reminder: "purposeReminder"
        case .signedConfirmation: "purposeSignedConfirmation"
        case .staffNotice: "purposeStaffNotice"
        case .verificationCode: "purposeVerificationCode"
        }
        return PortalLocale.current.text(key)
    }
}

extension User.Role {
    var label: String {
        let key = switch self {
        case .admin: "roleAdmin"
        case .staff: "roleStaff"
        case .viewer: "roleViewer"
        }
        return PortalLocale.current.text(key)
    }
}

extension DocumentParty.Role {
    var label: String {
        let key = switch self {
        case .signer: "partyRoleSigner"
        case .approver: "partyRoleApprover"
        case .viewer: "partyRoleViewer"
        case .cc: "partyRoleCc"
        }
        return PortalLocale.current.text(key)
    }
}

extension DocumentParty.Status {
    var label: String {
        let key = switch self {
        case .pending: "partyPending"
        case .notified: "partyNotified"
        case .viewed: "partyViewed"
        case .completed: "partyCompleted"
        case .declined: "partyDeclined"
        }
        return PortalLocale.current.text(key)
    }
}

extension ProfileField {
    /// The field's label in the reader's language.
    var portalLabel: String {
        Self.labelKeys[name].map { PortalLocale.current.text($0) } ?? label
    }

    /// The catalogue key of each field's label, by the field's name.
    static let labelKeys = [
        "city": "profileCity",
        "coc_number": "profileCocNumber",
        "country": "profileCountry",
        "email": "profileEmail",
        "facebook": "profileFacebook",
        "fax": "profileFax",
        "firstname": "profileFirstname",
        "fullname": "profileFullname",
        "internet": "profileInternet",
        "lastname": "profileLastname",
        "linkedin": "profileLinkedin",
        "mobile": "profileMobile",
        "name": "profileName",
        "phone": "profilePhone",
        "salutation": "profileSalutation",
        "state": "profileState",
        "street": "profileStreet",
        "twitter": "profileTwitter",
        "vat_number": "profileVatNumber",
        "zipcode": "profileZipcode",
    ]
}

extension LeadStandardField {
    /// The field's label in the reader's language.
    var portalLabel: String { PortalLocale.current.text(labelKey) }

    /// The catalogue key of the field's label.
    var labelKey: String {
        switch self {
        case .crmLeadID: "leadCRMID"
        case .jobTitle: "leadJobTitle"
        case .firstName: "profileFirstname"
        case .lastName: "profileLastname"
        case .phone: "profilePhone"
        case .company: "company"
        }
    }
}

extension PortalLocale {
    /// An export's header for this reader: the columns' keys in English (what tools read), their
    /// names in French (a profile or lead field's by its label); a column without a name (a lead's
    /// custom field) keeps its key.
    func columns(_ header: [String]) -> [String] {
        guard language != .en else { return header }
        return header.map { column in
            let key = Self.columnKeys[column] ?? ProfileField.labelKeys[column] ?? LeadStandardField(rawValue: column)?.labelKey
            return key.map { text($0) } ?? column
        }
    }

    private static let columnKeys = [
        "id": "columnID", "document_number": "number", "document_type": "type", "status": "status", "title": "docTitle",
        "external_source": "externalSource", "external_id": "externalID", "recipient_name": "recipientName",
        "recipient_email": "recipientEmail", "recipient_company": "recipientCompany", "contact_id": "columnContactID",
        "organization_id": "columnOrganizationID", "organization_name": "organization", "total_amount": "amount",
        "currency": "currency", "due_date": "dueDate", "view_count": "views", "first_viewed_at": "firstViewedAt",
        "sent_at": "sentAt", "accepted_at": "acceptedAt", "signed_at": "signedAt", "paid_at": "paidAt",
        "created_at": "created", "updated_at": "lastChanged", "converted_at": "converted", "source": "source",
        "document_id": "document", "event_type": "event", "device_type": "device", "ip_address": "address",
        "user_agent": "userAgent", "token_id": "link", "user_id": "columnUserID", "details": "evidence", "chain_hash": "columnHash",
        "message": "problem",
    ]
}

extension AnalyticsService.Metric {
    var label: String {
        let key = switch self {
        case .views: "metricViews"
        case .downloads: "metricDownloads"
        case .opens: "metricOpens"
        case .clicks: "metricClicks"
        case .acceptances: "metricAcceptances"
        case .signatures: "metricSignatures"
        case .declines: "metricDeclines"
        case .sent: "metricSent"
        case .paid: "metricPaid"
        }
        return PortalLocale.current.text(key)
    }
}

extension AnalyticsService.Interval {
    /// "per day", in the reader's language.
    var perLabel: String {
        let key = switch self {
        case .day: "perDay"
        case .week: "perWeek"
        case .month: "perMonth"
        }
        return PortalLocale.current.text(key)
    }
}

extension PriceRow.Kind {
    var label: String {
        let key = switch self {
        case .price: "rowPrice"
        case .discount: "rowDiscount"
        case .subtotal: "rowSubtotal"
        case .title: "rowTitle"
        }
        return PortalLocale.current.text(key)
    }
}

extension WebhookDelivery.Status {
    var label: String {
        let key = switch self {
        case .queued: "deliveryQueued"
        case .sending: "deliverySending"
        case .delivered: "deliveryDelivered"
        case .failed: "deliveryFailed"
        }
        return PortalLocale.current.text(key)
    }
}
