import Engage
import Testing

@Suite("Markdown through libcmark")
struct MarkdownTests {
    @Test("renders CommonMark")
    func renders() {
        let html = Markdown.render("# Devis\n\nMerci **beaucoup** — voir [le lien](https://example.com).").html
        #expect(html.contains("<h1>Devis</h1>"))
        #expect(html.contains("<strong>beaucoup</strong>"))
        #expect(html.contains(#"<a href="https://example.com">le lien</a>"#))
    }

    @Test("safe mode drops raw HTML and dangerous links")
    func safeMode() {
        let html = Markdown.render("""
            <script>alert(1)</script>

            <img src=x onerror=alert(1)>

            [click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)
            """).html
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("data:text/html"))
        #expect(html.contains("raw HTML omitted"))
    }

    @Test("escapes text that looks like markup")
    func escapes() {
        #expect(Markdown.render("5 < 6 & \"quotes\"").html == "<p>5 &lt; 6 &amp; “quotes”</p>\n")
    }
}
