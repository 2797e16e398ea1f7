/// HTML that is already safe to insert into a page unescaped (rendered Markdown, built SVG).
///
/// Templates insert only values of this type with `{{{ }}}`, so every raw insertion is easy to find.
public struct SafeHTML: Sendable, Hashable, CustomStringConvertible {
    /// The HTML text.
    public let html: String

    /// Wraps HTML produced by trusted code; never call it with user input.
    init(trusted html: String) { self.html = html }

    public var description: String { html }
}
