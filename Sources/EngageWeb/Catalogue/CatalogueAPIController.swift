import Engage
import Hummingbird

/// `/api/v1/vat-groups`, `/api/v1/product-directories` and `/api/v1/products`: the catalogue
/// price rows are made from (Offorte's settings and products, as JSON).
struct CatalogueAPIController {
    let catalogue: CatalogueService
    let apiURL: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        let vatGroups = api.group("vat-groups")
        vatGroups.get { request, _ in
            let page = try PageRequest(parameters: request.apiQuery())
            return try APIList(Page(slicing: try await catalogue.vatGroups(), request: page), url: apiURL + "/vat-groups", parameters: []).response()
        }
        vatGroups.post { request, context in
            let group = try await catalogue.createVATGroup(try await request.decodeInput(context: context), by: try context.actor())
            return try created(group, at: "/vat-groups/\(group.id)")
        }
        vatGroups.get(":id") { _, context in
            try APIResponse.success(try await catalogue.vatGroup(id: try context.id()))
        }
        vatGroups.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await catalogue.updateVATGroup(id: try context.id(), input, by: try context.actor()))
        }
        vatGroups.delete(":id") { _, context in
            try await catalogue.deleteVATGroup(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }

        let directories = api.group("product-directories")
        directories.get { request, _ in
            let page = try PageRequest(parameters: request.apiQuery())
            return try APIList(Page(slicing: try await catalogue.directories(), request: page), url: apiURL + "/product-directories", parameters: [])
                .response()
        }
        directories.post { request, context in
            let directory = try await catalogue.createDirectory(try await request.decodeInput(context: context), by: try context.actor())
            return try created(directory, at: "/product-directories/\(directory.id)")
        }
        directories.get(":id") { _, context in
            try APIResponse.success(try await catalogue.directory(id: try context.id()))
        }
        directories.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await catalogue.renameDirectory(id: try context.id(), input, by: try context.actor()))
        }
        directories.delete(":id") { _, context in
            try await catalogue.deleteDirectory(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }

        let products = api.group("products")
        products.get { request, _ in
            let listing = try ListParameters(request.apiQuery(), filters: ["directory_id"])
            let page = try await catalogue.products(directoryID: listing.ids["directory_id"], search: listing.search, page: listing.page)
            return try APIList(page, url: apiURL + "/products", parameters: listing.parameters).response()
        }
        products.post { request, context in
            let product = try await catalogue.createProduct(try await request.decodeInput(context: context), by: try context.actor())
            return try created(product, at: "/products/\(product.id)")
        }
        products.get(":id") { _, context in
            try APIResponse.success(try await catalogue.product(id: try context.id()))
        }
        products.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await catalogue.updateProduct(id: try context.id(), input, by: try context.actor()))
        }
        products.delete(":id") { _, context in
            try await catalogue.deleteProduct(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
    }

    /// 201 with the record and its address.
    private func created(_ record: some JSONWritable, at path: String) throws -> Response {
        var response = try APIResponse.success(record, status: .created)
        response.headers[.location] = apiURL + path
        return response
    }
}
