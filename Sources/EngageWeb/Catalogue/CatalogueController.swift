import Engage
import Foundation
import Hummingbird

/// The portal's catalogue: directories and products (`/catalogue`), and the VAT groups admins
/// keep (`/catalogue/vat-groups`). The same services as the API, through forms.
struct CatalogueController {
    let views: ViewRenderer
    let catalogue: CatalogueService

    struct IndexPage: PageContext {
        let title = PortalLocale.current.text("navCatalogue")
        let chrome: PortalChrome?
        let directories: [DirectoryRow]
        let hasDirectories: Bool
        let directoryOptions: [SelectOption]
        let products: [ProductRow]
        let hasProducts: Bool
        let search: String
        let isFiltered: Bool
        let pager: Pager?
        let notice: String?
        let errors: [String]
        let directoryName: String
        let directoryError: String?
        let canWrite: Bool
    }

    struct DirectoryRow {
        let id: Int64
        let name: String
        let productCount: Int
        let isEmpty: Bool
        let url: String
    }

    struct ProductRow {
        let id: Int64
        let name: String
        let sku: String
        let price: String
        let vat: String
        let unit: String
        let isOptional: Bool
    }

    struct ProductForm: PageContext {
        let title: String
        let chrome: PortalChrome?
        let action: String
        let values: [String: String]
        let errors: [String: String]
        let errorList: [String]
        let hasErrors: Bool
        let directories: [SelectOption]
        let vatGroups: [SelectOption]
        let isOptional: Bool
        let deleteURL: String?
    }

    struct VATPage: PageContext {
        let title = PortalLocale.current.text("vatGroups")
        let chrome: PortalChrome?
        let groups: [VATRow]
        let values: [String: String]
        let errors: [String: String]
        let hasErrors: Bool
        let notice: String?
    }

    struct VATRow {
        let id: Int64
        let name: String
        let vat: String
        let label: String
    }

    private static let notices = [
        "directory-created": "Directory added.", "directory-renamed": "Directory renamed.", "directory-deleted": "Directory deleted.",
        "product-created": "Product added.", "product-updated": "Product saved.", "product-deleted": "Product deleted.",
        "vat-created": "VAT group added.", "vat-updated": "VAT group saved.", "vat-deleted": "VAT group deleted.",
    ]

    func register(on portal: RouterGroup<EngageRequestContext>, admin: RouterGroup<EngageRequestContext>) {
        portal.get("/catalogue") { request, context in try await index(request, context) }
        portal.post("/catalogue/directories") { request, context in
            do {
                _ = try await catalogue.createDirectory((context.form ?? FormData(urlEncoded: "")).input, by: try context.actor())
                return Response.redirect(to: "/catalogue?done=directory-created", type: .normal)
            } catch let error as ValidationError {
                return try await index(request, context, directoryName: context.form?.values["name"] ?? "", directoryError: error, status: .unprocessableContent)
            }
        }
        portal.post("/catalogue/directories/:id") { request, context in
            do {
                _ = try await catalogue.renameDirectory(id: try context.id(), (context.form ?? FormData(urlEncoded: "")).input, by: try context.actor())
                return Response.redirect(to: "/catalogue?done=directory-renamed", type: .normal)
            } catch let error as ValidationError {
                return try await index(request, context, errors: error.messages, status: .unprocessableContent)
            }
        }
        portal.post("/catalogue/directories/:id/delete") { _, context in
            try await catalogue.deleteDirectory(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/catalogue?done=directory-deleted", type: .normal)
        }
        portal.get("/catalogue/products/new") { request, context in
            try await productForm(context, id: nil, values: ["directory_id": request.queryDictionary["directory_id"] ?? "", "price": ""])
        }
        portal.post("/catalogue/products") { _, context in
            do {
                _ = try await catalogue.createProduct(productInput(context), by: try context.actor())
                return Response.redirect(to: "/catalogue?done=product-created", type: .normal)
            } catch let error as ValidationError {
                return try await productForm(context, id: nil, values: context.form?.values ?? [:], errors: error)
            }
        }
        portal.get("/catalogue/products/:id") { _, context in
            let product = try await catalogue.product(id: try context.id())
            return try await productForm(context, id: product.id, values: Self.values(of: product))
        }
        portal.post("/catalogue/products/:id") { _, context in
            let id = try context.id()
            do {
                _ = try await catalogue.updateProduct(id: id, productInput(context), by: try context.actor())
                return Response.redirect(to: "/catalogue?done=product-updated", type: .normal)
            } catch let error as ValidationError {
                return try await productForm(context, id: id, values: context.form?.values ?? [:], errors: error)
            }
        }
        portal.post("/catalogue/products/:id/delete") { _, context in
            try await catalogue.deleteProduct(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/catalogue?done=product-deleted", type: .normal)
        }

        admin.get("/catalogue/vat-groups") { request, context in
            try await vatPage(context, notice: request.notice(from: Self.notices))
        }
        admin.post("/catalogue/vat-groups") { _, context in
            do {
                _ = try await catalogue.createVATGroup(vatInput(context), by: try context.actor())
                return Response.redirect(to: "/catalogue/vat-groups?done=vat-created", type: .normal)
            } catch let error as ValidationError {
                return try await vatPage(context, values: context.form?.values ?? [:], errors: error)
            }
        }
        admin.post("/catalogue/vat-groups/:id") { _, context in
            do {
                _ = try await catalogue.updateVATGroup(id: try context.id(), vatInput(context), by: try context.actor())
                return Response.redirect(to: "/catalogue/vat-groups?done=vat-updated", type: .normal)
            } catch let error as ValidationError {
                return try await vatPage(context, errors: error)
            }
        }
        admin.post("/catalogue/vat-groups/:id/delete") { _, context in
            try await catalogue.deleteVATGroup(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/catalogue/vat-groups?done=vat-deleted", type: .normal)
        }
    }

    /// A VAT group's form, its rate typed in the reader's language.
    private func vatInput(_ context: EngageRequestContext) -> Input {
        Input(form: PortalLocale.current.typedNumbers((context.form ?? FormData(urlEncoded: "")).values, in: ["vat"]))
    }

    /// A product's form: an unticked "optional" box sends nothing, which means no.
    private func productInput(_ context: EngageRequestContext) -> Input {
        let form = context.form ?? FormData(urlEncoded: "")
        var input = Input(form: PortalLocale.current.typedNumbers(form.values, in: ["price", "vat_percentage"]))
        if input.values["optional"] == nil { input.values["optional"] = .string("off") }
        return input
    }

    private func index(
        _ request: Request, _ context: EngageRequestContext, directoryName: String = "", directoryError: ValidationError? = nil,
        errors: [String] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let parameters = request.queryDictionary
        var problems = errors
        var page: Page<Product>?
        var listing: ListParameters?
        do {
            let parsed = try ListParameters(parameters, filters: ["directory_id"])
            listing = parsed
            page = try await catalogue.products(directoryID: parsed.ids["directory_id"], search: parsed.search, page: parsed.page)
        } catch let error as ValidationError {
            problems += error.messages
        }
        let directories = try await catalogue.directories()
        let groups = Dictionary(try await catalogue.vatGroups().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let chosen = parameters["directory_id"]
        return try views.render("portal/catalogue/index", IndexPage(
            chrome: PortalChrome(context: context, section: "catalogue"),
            directories: directories.map {
                DirectoryRow(id: $0.id, name: $0.name, productCount: $0.productCount, isEmpty: $0.productCount == 0, url: "/catalogue?directory_id=\($0.id)")
            },
            hasDirectories: !directories.isEmpty,
            directoryOptions: directories.map { SelectOption(value: String($0.id), label: $0.name, selected: chosen == String($0.id)) },
            products: (page?.items ?? []).map { product in
                ProductRow(
                    id: product.id, name: product.name, sku: product.sku ?? "", price: Money.format(product.price),
                    vat: product.vatGroupID.flatMap { groups[$0] } ?? "table's rate", unit: product.unit ?? "", isOptional: product.isOptional)
            },
            hasProducts: page?.items.isEmpty == false, search: parameters["search"] ?? "",
            isFiltered: listing?.search != nil || listing?.ids.isEmpty == false,
            pager: page.map { Pager($0, path: "/catalogue", parameters: listing?.parameters ?? []) },
            notice: request.notice(from: Self.notices), errors: problems,
            directoryName: directoryName, directoryError: directoryError?.fields.first?.message,
            canWrite: try context.actor().role.canWrite),
            status: problems.isEmpty && directoryError == nil ? status : (status == .ok ? .badRequest : status))
    }

    private func productForm(_ context: EngageRequestContext, id: Int64?, values: [String: String], errors: ValidationError? = nil) async throws -> Response {
        let directories = try await catalogue.directories()
        let groups = try await catalogue.vatGroups()
        return try views.render("portal/catalogue/product-form", ProductForm(
            title: id == nil ? "New product" : "Edit product", chrome: PortalChrome(context: context, section: "catalogue"),
            action: id.map { "/catalogue/products/\($0)" } ?? "/catalogue/products", values: values,
            errors: errors?.messagesByField ?? [:], errorList: errors?.messages ?? [], hasErrors: errors != nil,
            directories: directories.map { SelectOption(value: String($0.id), label: $0.name, selected: values["directory_id"] == String($0.id)) },
            vatGroups: groups.map { SelectOption(value: String($0.id), label: "\($0.name) (\($0.percentage) %)", selected: values["vat_id"] == String($0.id)) },
            isOptional: ["on", "true"].contains(values["optional"] ?? ""), deleteURL: id.map { "/catalogue/products/\($0)/delete" }),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    private func vatPage(_ context: EngageRequestContext, notice: String? = nil, values: [String: String] = [:], errors: ValidationError? = nil) async throws -> Response {
        let groups = try await catalogue.vatGroups()
        return try views.render("portal/catalogue/vat-groups", VATPage(
            chrome: PortalChrome(context: context, section: "catalogue"),
            groups: groups.map { VATRow(id: $0.id, name: $0.name, vat: "\($0.percentage)", label: $0.label ?? "") },
            values: values, errors: errors?.messagesByField ?? [:], hasErrors: errors != nil, notice: notice),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    private static func values(of product: Product) -> [String: String] {
        [
            "directory_id": String(product.directoryID), "sku": product.sku ?? "", "name": product.name,
            "descr_short": product.shortDescription ?? "", "price": Money.format(product.price),
            "vat_id": product.vatGroupID.map(String.init) ?? "", "optional": product.isOptional ? "on" : "", "unit": product.unit ?? "",
        ]
    }
}
