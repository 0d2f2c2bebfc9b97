import HTTPTypes
import Hummingbird
import InternalAPI
import ScimCore
import ServiceKit

/// Answers a read the gateway asked for as final SCIM bytes (``ScimRendering``), or as the stored resource.
struct RenderedAnswer {
    private static let baseField = HTTPField.Name(ScimRendering.baseHeader)!
    private static let attributesField = HTTPField.Name(ScimRendering.attributesHeader)!
    private static let excludedAttributesField = HTTPField.Name(ScimRendering.excludedAttributesHeader)!

    /// The renderer the request asks for; nil for a plain read.
    let renderer: ResourceRenderer?

    init(_ request: Request, resourceType: String) throws(ScimError) {
        let rendering = ScimRendering(
            baseHeader: request.headers.value(of: Self.baseField), attributesHeader: request.headers.value(of: Self.attributesField),
            excludedAttributesHeader: request.headers.value(of: Self.excludedAttributesField))
        renderer = try rendering?.renderer(resourceType: resourceType)
    }

    /// Whether the answer should carry a group's members: for a rendered read, what the client's projection keeps.
    func includesMembers(otherwise requested: Bool) -> Bool {
        renderer.map { $0.projection.includes("members") } ?? requested
    }

    func response(_ resource: StoredResource, resourceType: String) -> Response {
        guard let renderer else { return JSONCoding.response(resource) }
        return JSONCoding.scimResponse(resource.rendered(resourceType: resourceType, by: renderer))
    }

    func response(_ page: DirectoryPage, resourceType: String) -> Response {
        guard let renderer else { return JSONCoding.response(page) }
        return JSONCoding.scimResponse(page.rendered(resourceType: resourceType, by: renderer))
    }
}
