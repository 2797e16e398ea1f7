import Engage
import Foundation
import Hummingbird

/// The recipient's side: `/p/{token}` (the document), `/p/{token}/pdf`, the four actions, and the
/// tracking pixel `/t/{pixel_id}.gif`. Browsers get pages in their language; `Accept:
/// application/json` gets the API's envelope. Errors keep the API's status codes either way.
struct RecipientController {
    let views: ViewRenderer
    let recipients: RecipientService
    /// The one-time codes of links that ask for one.
    let verifications: VerificationService
    let pdfs: PDFStore
    /// Who the pages name as the sender.
    let sender: String
    /// Each page is made with `PortalLocale` bound to its language.
    let locales: PortalLocales
    /// Recipient pages already rendered, keyed by every value they show: a link's page changes only
    /// when something it shows changes (a view does not), and rendering was most of a view's CPU time.
    /// Pages are rendered with a placeholder for the link's secret, put in per request: the cache
    /// holds no secret, in its keys or its pages.
    let renderedPages = Memo<RecipientPage, PageWithoutSecret>(limit: 4096)

    func register(on router: Router<EngageRequestContext>) {
        router.get("/p/:token") { request, context in
            try await answer(request, context) { secret, client, _, _ in
                (try await recipients.view(secret, from: client), nil)
            }
        }
        router.get("/p/:token/pdf") { request, context in
            let language = Language.of(request)
            do {
                let visit = try await recipients.download(context.parameters.get("token") ?? "", from: request.client(context))
                if let pdf = visit.document.pdf { return try await Response.pdf(pdf, from: pdfs, inline: true, context: context) }
                return Response.redirect(to: visit.document.pdfURL ?? "/", type: .found)
            } catch {
                return try failure(error, request, language)
            }
        }
        router.get("/p/:token/pay") { request, context in
            let language = Language.of(request)
            do {
                let visit = try await recipients.pay(context.parameters.get("token") ?? "", from: request.client(context))
                return Response(status: .seeOther, headers: [.location: visit.document.paymentURL ?? "/", .cacheControl: "no-store"])
            } catch {
                return try failure(error, request, language)
            }
        }
        router.post("/p/:token/accept") { request, context in
            try await answer(request, context) { secret, client, input, pass in
                (try await recipients.accept(secret, input.values, pass: pass, from: client), "accepted")
            }
        }
        router.post("/p/:token/sign") { request, context in
            try await answer(request, context) { secret, client, input, pass in
                let consent = locales.locale(Language.of(request, form: input.form)).text("consent")
                return (try await recipients.sign(secret, input.values, consentText: consent, pass: pass, from: client), "signed")
            }
        }
        router.post("/p/:token/register") { request, context in
            try await answer(request, context) { secret, client, input, _ in
                (try await recipients.register(secret, input.values, from: client), "registered")
            }
        }
        router.post("/p/:token/choices") { request, context in
            try await answer(request, context) { secret, client, input, _ in
                let choices = input.form.isEmpty ? input.values : PriceTablesView.choices(fromForm: input.form)
                return (try await recipients.choose(secret, choices, from: client), "choicesSaved")
            }
        }
        router.post("/p/:token/decline") { request, context in
            try await answer(request, context) { secret, client, input, pass in
                (try await recipients.decline(secret, input.values, pass: pass, from: client), "declined")
            }
        }
        router.post("/p/:token/verify/resend") { request, context in
            try await check(request, context) { secret, client, body, language in
                let sent = try await verifications.send(secret, language: language, from: client)
                let notice = PortalLocale.current.text("verifyCodeSent", ["destination": sent.destination])
                return CheckOutcome(payload: SentCodePayload(sent), status: .accepted, notice: notice, passed: nil)
            }
        }
        router.post("/p/:token/verify") { request, context in
            try await check(request, context) { secret, client, body, _ in
                let passed = try await verifications.verify(secret, body.values, from: client)
                return CheckOutcome(payload: PassedPayload(passed), status: .ok, notice: PortalLocale.current.text("verifyDone"), passed: passed)
            }
        }
        router.get("/t/:pixel") { request, context in
            let name = context.parameters.get("pixel") ?? ""
            guard name.hasSuffix(".gif") else { throw APIError.notFound() }
            // Known or not, the answer is the same image: an unknown id learns nothing.
            _ = try await recipients.recordOpen(pixelID: String(name.dropLast(4)), from: request.client(context))
            return Self.pixel
        }
        router.get("/r/:tracking/:token") { request, context in
            let tracking = context.parameters.get("tracking") ?? ""
            let secret = context.parameters.get("token") ?? ""
            // Only a token's own characters go into the redirect, so it can only ever lead to a recipient page.
            guard (1...64).contains(secret.utf8.count), secret.utf8.allSatisfy({ $0.isBase64URL }) else { throw APIError.notFound() }
            _ = try await recipients.recordClick(trackingID: tracking, from: request.client(context))
            return Response(status: .seeOther, headers: [.location: "/p/\(secret)", .cacheControl: "no-store"])
        }
    }

    /// A request's body: the JSON object or the form, and the form's raw fields (for `lang`).
    struct Body {
        var values = Input([:])
        var form: [String: String] = [:]
    }

    /// Runs one recipient request and presents its result or its refusal.
    private func answer(
        _ request: Request, _ context: EngageRequestContext,
        _ act: (String, ClientInfo, Body, _ pass: String?) async throws -> (RecipientVisit, confirmation: String?)
    ) async throws -> Response {
        let body: Body
        do {
            body = try await Self.body(of: request, context)
        } catch {
            return try failure(error, request, Language.of(request))  // too large, or not JSON: told as the client asked
        }
        let language = Language.of(request, form: body.form)
        let secret = context.parameters.get("token") ?? ""
        return try await PortalLocale.$current.withValue(locales.locale(language)) {
            let t = PortalLocale.current
            let pass = VerificationPass.of(request)
            do {
                let (visit, confirmation) = try await act(secret, request.client(context), body, pass)
                let check = try await verifications.status(of: visit.link, pass: pass)
                if wantsJSON(request) {
                    return try APIResponse.success(RecipientDocumentPayload(visit: visit, secret: secret, sender: sender, check: check))
                }
                let page = RecipientPage(
                    visit: visit, secret: PageWithoutSecret.placeholder, language: language, sender: sender, check: check,
                    notice: confirmation.map { t.text($0) })
                let rendered = try renderedPages.value(for: page) { PageWithoutSecret(try views.html("recipient/show", $0)) }
                return ViewRenderer.response(rendered.html(with: secret))
            } catch let error as ValidationError where !wantsJSON(request) {
                // The form comes back with the typed values and every problem, and nothing is recorded.
                return try await refusedForm(secret, request, context, language, pass: pass, notice: t.text("fixErrors"),
                    status: .unprocessableContent, errors: Self.messages(error, t), values: body.form)
            } catch let error as VerificationError where !wantsJSON(request) {
                // The page asks for the code instead of the decision.
                return try await refusedForm(secret, request, context, language, pass: pass, error: error, values: body.form)
            } catch {
                return try failure(error, request, language)
            }
        }
    }

    /// Asks for a code or checks one (`/verify/resend`, `/verify`): JSON for the API, else the
    /// page with its notice; a pass given is kept in the link's cookie either way.
    private func check(
        _ request: Request, _ context: EngageRequestContext,
        _ run: (String, ClientInfo, Body, Language) async throws -> CheckOutcome
    ) async throws -> Response {
        let body: Body
        do {
            body = try await Self.body(of: request, context)
        } catch {
            return try failure(error, request, Language.of(request))
        }
        let language = Language.of(request, form: body.form)
        let secret = context.parameters.get("token") ?? ""
        return try await PortalLocale.$current.withValue(locales.locale(language)) {
            let pass = VerificationPass.of(request)
            do {
                let outcome = try await run(secret, request.client(context), body, language)
                var response: Response
                if wantsJSON(request) {
                    response = try APIResponse.success(outcome.payload, status: outcome.status)
                } else {
                    let visit = try await recipients.peek(secret, from: request.client(context))
                    let check = try await verifications.status(of: visit.link, pass: outcome.passed?.pass ?? pass)
                    let page = RecipientPage(visit: visit, secret: secret, language: language, sender: sender, check: check, notice: outcome.notice)
                    response = try views.render("recipient/show", page)
                }
                if let passed = outcome.passed { response.setCookie(VerificationPass.cookie(passed, secret: secret, secure: context.isSecure)) }
                return response
            } catch let error as ValidationError where !wantsJSON(request) {
                return try await refusedForm(secret, request, context, language, pass: pass, notice: PortalLocale.current.text("fixErrors"),
                    status: .badRequest, errors: Self.messages(error, PortalLocale.current), values: [:])
            } catch let error as VerificationError where !wantsJSON(request) {
                return try await refusedForm(secret, request, context, language, pass: pass, error: error, values: [:])
            } catch {
                return try failure(error, request, language)
            }
        }
    }

    /// What asking for a code or checking one gave: the API's answer, the page's notice, and the pass when one was given.
    struct CheckOutcome {
        let payload: any Encodable
        let status: HTTPResponse.Status
        let notice: String
        let passed: VerificationService.Passed?
    }

    /// The page again after a refused form, with why: nothing was recorded.
    private func refusedForm(
        _ secret: String, _ request: Request, _ context: EngageRequestContext, _ language: Language, pass: String?,
        error: VerificationError, values: [String: String]
    ) async throws -> Response {
        let refusal = APIError.from(error)!
        var response = try await refusedForm(
            secret, request, context, language, pass: pass, notice: Self.notice(error, PortalLocale.current), status: refusal.status,
            errors: [:], values: values)
        response.headers.append(contentsOf: refusal.headers)
        return response
    }

    private func refusedForm(
        _ secret: String, _ request: Request, _ context: EngageRequestContext, _ language: Language, pass: String?,
        notice: String, status: HTTPResponse.Status, errors: [String: String], values: [String: String]
    ) async throws -> Response {
        let visit = try await recipients.peek(secret, from: request.client(context))
        let check = try await verifications.status(of: visit.link, pass: pass)
        let page = RecipientPage(
            visit: visit, secret: secret, language: language, sender: sender, check: check, notice: notice,
            noticeIsError: true, errors: errors, values: values)
        return try views.render("recipient/show", page, status: status)
    }

    /// Why a code was refused, in the page's language.
    private static func notice(_ error: VerificationError, _ t: PortalLocale) -> String {
        switch error {
        case .required: t.text("verifyRequired")
        case .invalid(.wrongCode, let left): t.text("verifyWrong", ["left": String(left)])
        case .invalid(.expired, _): t.text("verifyExpired")
        case .invalid(.noCode, _), .invalid(.used, _): t.text("verifyNoCode")
        case .locked(let seconds): t.text("verifyLocked", ["seconds": String(seconds)])
        case .notRequired: t.text("somethingWrong")
        }
    }

    private func failure(_ error: any Error, _ request: Request, _ language: Language) throws -> Response {
        guard let apiError = APIError.from(error), apiError.status != .internalServerError else { throw error }
        if wantsJSON(request) { return try APIResponse.failure(apiError) }
        return try PortalLocale.$current.withValue(locales.locale(language)) {
            try views.render("recipient/error", RecipientErrorPage(error, language: language), status: apiError.status)
        }
    }

    private func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("application/json") ?? false
    }

    private static func body(of request: Request, _ context: EngageRequestContext) async throws -> Body {
        guard request.method == .post else { return Body() }
        if request.headers[.contentType]?.hasPrefix("application/json") ?? false {
            return Body(values: try await request.decodeInput(context: context))
        }
        var request = request
        let form = FormData(urlEncoded: String(buffer: try await request.collectBody(upTo: context.maxUploadSize))).values
        return Body(values: Input(form: form.filter { $0.key != "lang" }), form: form)
    }

    /// Field messages in the page's language; the consent box says what to do.
    private static func messages(_ error: ValidationError, _ t: PortalLocale) -> [String: String] {
        var messages = error.messagesByField
        if t.language == .fr, error.fields.contains(where: { $0.field == "consent" && $0.code == .required }) {
            messages["consent"] = t.text("fieldConsentRequired")
        }
        return messages
    }

    /// A 1×1 transparent GIF that no cache keeps, so each open reaches the server.
    private static let pixel = Response(
        status: .ok,
        headers: [.contentType: "image/gif", .cacheControl: "no-store, no-cache, must-revalidate, max-age=0"],
        body: .init(byteBuffer: ByteBuffer(bytes: [
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
            0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
            0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
        ])))
}

extension UInt8 {
    /// A character of base64url (the alphabet of link tokens).
    var isBase64URL: Bool {
        isASCIIAlphanumeric || self == UInt8(ascii: "-") || self == UInt8(ascii: "_")
    }
}

/// A rendered recipient page with its link's secret left out: the HTML around each place it stands.
struct PageWithoutSecret: Sendable {
    /// What a page is rendered with instead of the secret: random per process, so no text staff
    /// write can hold it, and hex, so escaping leaves it as it is.
    static let placeholder = "secret-" + SecretToken.randomHexID()

    private let parts: [String]

    init(_ html: String) {
        parts = html.components(separatedBy: Self.placeholder)
    }

    /// The page for the link whose secret this is.
    func html(with secret: String) -> String {
        parts.joined(separator: secret)
    }
}
