import Synchronization

/// Recipient pages already rendered, keyed by every value they show.
///
/// A link's page changes only when something it shows changes (a view does not), and rendering
/// the template was most of a page view's CPU time. The key is the whole page, so a hit is the
/// exact text a render would give; the set is emptied when it reaches `limit`.
final class RenderedPages: Sendable {
    private let pages = Mutex<[RecipientPage: String]>([:])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The page's HTML, rendered by `render` only the first time.
    func html(for page: RecipientPage, render: (RecipientPage) throws -> String) rethrows -> String {
        if let html = pages.withLock({ $0[page] }) { return html }
        let html = try render(page)
        pages.withLock { pages in
            if pages.count >= limit { pages.removeAll(keepingCapacity: true) }
            pages[page] = html
        }
        return html
    }
}
