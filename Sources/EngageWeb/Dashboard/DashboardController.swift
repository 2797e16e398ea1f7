import Engage
import Hummingbird

/// `GET /`: the signed-in home page.
struct DashboardController {
    let views: ViewRenderer

    struct DashboardPage: PageContext {
        let title = "Dashboard"
        let chrome: PortalChrome?
        let name: String
        let email: String
        let role: String
        let version: String
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/") { _, context in
            let user = try context.requireUser()
            return try views.render("portal/dashboard", DashboardPage(
                chrome: PortalChrome(context: context, section: "dashboard"),
                name: user.name, email: user.email, role: user.role.rawValue, version: EngageVersion.current))
        }
    }
}
