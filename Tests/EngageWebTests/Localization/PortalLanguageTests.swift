import Engage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Each staff member's language and time zone: chosen on Your account (refusals told per field),
/// else the browser's; pages, times and exports follow them.
@Suite("Portal language")
struct PortalLanguageTests {
    @Test("French chosen on Your account: pages, a Paris time, French amounts and French export headers; others keep English")
    func frenchForOne() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Cuisine", "total_amount": 1250.5}"#)
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            _ = try await staff.get(api.client, "/account")
            let saved = try await staff.post(api.client, "/account/preferences", ["language": "fr", "time_zone": "Europe/Paris"])
            #expect(saved.headers[.location] == "/account?done=preferences")

            let list = String(buffer: try await staff.get(api.client, "/documents").body)
            #expect(list.contains(#"<html lang="fr">"#))
            #expect(list.contains(">Numéro</th>") && list.contains("1\u{202F}250,50\u{A0}€") && list.contains(">devis Pennylane<"))
            let page = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(page.contains("<h2>Chronologie</h2>"))

            let csv = String(buffer: try await staff.get(api.client, "/documents.csv").body)
            #expect(csv.hasPrefix("\u{FEFF}identifiant,Numéro,Type,Statut,Titre,"), "\(csv.prefix(80))")
            #expect(csv.contains(",1250.50,"), "the values stay as the API writes them")

            var admin = try await Browser.signedIn(api.client, email: "admin@example.com", password: APIHarness.password)
            let english = String(buffer: try await admin.get(api.client, "/documents").body)
            #expect(english.contains(#"<html lang="en">"#) && english.contains(">Number</th>") && english.contains("€1,250.50"))
            let englishCSV = String(buffer: try await admin.get(api.client, "/documents.csv").body)
            #expect(englishCSV.hasPrefix("\u{FEFF}id,document_number,document_type,status,title,"))
        }
    }

    @Test("a time shows in the account's time zone, its instant kept in datetime")
    func timeZone() async throws {
        try await APIHarness.run { api in
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Zoned"}"#)
            try await api.sql("UPDATE documents SET created_at = '2026-07-01 12:00:00' WHERE id = ?", [id])
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            _ = try await staff.get(api.client, "/account")
            _ = try await staff.post(api.client, "/account/preferences", ["language": "en", "time_zone": "America/New_York"])
            let page = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(page.contains(#"<time datetime="2026-07-01T12:00:00Z" title="2026-07-01T12:00:00Z">1 Jul 2026, 08:00</time>"#))
            _ = try await staff.post(api.client, "/account/preferences", ["language": "", "time_zone": ""])
            let paris = String(buffer: try await staff.get(api.client, "/documents/\(id)").body)
            #expect(paris.contains(">1 Jul 2026, 14:00</time>"), "the installation's zone, Europe/Paris, in summer time")
        }
    }

    @Test("a language or time zone that does not exist is refused next to its field, both at once, and nothing is saved")
    func refusals() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            _ = try await staff.get(api.client, "/account")
            let refused = try await staff.post(api.client, "/account/preferences", ["language": "de", "time_zone": "Mars/Olympus"])
            #expect(refused.status == .unprocessableContent)
            let body = String(buffer: refused.body)
            #expect(body.contains("Language must be en or fr.") && body.contains("Time zone must be an IANA name such as Europe/Paris."))
            let list = String(buffer: try await staff.get(api.client, "/documents").body)
            #expect(list.contains(#"<html lang="en">"#), "nothing saved")
        }
    }

    @Test("before signing in, pages follow the browser's Accept-Language")
    func browserLanguage() async throws {
        try await APIHarness.run { api in
            let french = try await api.visit(.get, "/login", headers: [.acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.5"])
            #expect(french.text.contains("<title>Connexion · Oui Engage</title>"))
            let english = try await api.visit(.get, "/login", headers: [.acceptLanguage: "de-DE,de;q=0.9"])
            #expect(english.text.contains("<title>Sign in · Oui Engage</title>"), "a language we do not speak falls back to English")
            let missing = try await api.visit(.get, "/nowhere", headers: [.acceptLanguage: "fr"])
            #expect(missing.status == .notFound && missing.text.contains("Page introuvable"))
        }
    }
}
