import Engage
import Hummingbird

/// `GET /`: the portal's front page.
struct HomeController {
    let views: ViewRenderer
    let database: Database

    struct HomePage: PageContext {
        let title = "Home"
        let version: String
        let databaseReachable: Bool
    }

    func register(on router: Router<EngageRequestContext>) {
        router.get("/") { _, _ in
            try views.render("portal/home", HomePage(version: EngageVersion.current, databaseReachable: await database.isReachable()))
        }
    }
}
