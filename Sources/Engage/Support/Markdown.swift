import CMark
import Foundation

/// Markdown rendering through libcmark.
public enum Markdown {
    /// Renders CommonMark to HTML in cmark's safe mode: raw HTML is dropped and
    /// `javascript:`, `vbscript:`, `file:` and most `data:` links are emptied.
    public static func render(_ markdown: String) -> SafeHTML {
        // Safe mode (raw HTML and dangerous URLs dropped) is cmark's default since 0.29; it is asked
        // for by name as well, for a library that predates that, and CMARK_OPT_UNSAFE is never set.
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_SMART | CMARK_OPT_SAFE
        guard let rendered = cmark_markdown_to_html(markdown, markdown.utf8.count, options) else {
            return SafeHTML(trusted: "")
        }
        defer { free(rendered) }
        return SafeHTML(trusted: String(cString: rendered))
    }
}
