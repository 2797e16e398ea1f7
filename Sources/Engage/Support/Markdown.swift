import CMark
import Foundation

/// Markdown rendering through libcmark.
public enum Markdown {
    /// Renders CommonMark to HTML in cmark's safe mode: raw HTML is dropped and
    /// `javascript:`, `vbscript:`, `file:` and most `data:` links are emptied.
    public static func render(_ markdown: String) -> SafeHTML {
        // CMARK_OPT_UNSAFE is deliberately absent: safe mode is cmark's default.
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_SMART
        guard let rendered = cmark_markdown_to_html(markdown, markdown.utf8.count, options) else {
            return SafeHTML(trusted: "")
        }
        defer { free(rendered) }
        return SafeHTML(trusted: String(cString: rendered))
    }
}
