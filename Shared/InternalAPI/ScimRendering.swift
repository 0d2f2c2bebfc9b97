import ScimCore

/// A read the directory answers with the final SCIM representation, as the gateway's client will see it, instead of
/// the stored resource: the gateway relays the bytes without decoding and re-encoding them (reads are most of what
/// IdPs send; decoding, rendering and re-encoding were 7–9 % of the gateway's samples on a read).
///
/// It travels in headers, so the same routes serve both kinds of read; a request without ``baseHeader`` gets the
/// stored resource as before.
package struct ScimRendering: Sendable, Hashable {
    /// The public SCIM base URL of the identity provider, for `meta.location` and `$ref`.
    package var baseURL: String
    /// The client's `attributes` and `excludedAttributes` (RFC 7644 §3.9).
    package var attributes: [String]
    package var excludedAttributes: [String]

    package static let baseHeader = "X-Provisio-Scim-Base"
    package static let attributesHeader = "X-Provisio-Scim-Attributes"
    package static let excludedAttributesHeader = "X-Provisio-Scim-Excluded-Attributes"

    package init(baseURL: String, attributes: [String] = [], excludedAttributes: [String] = []) {
        self.baseURL = baseURL
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
    }

    /// The headers that carry it. Attribute names cannot contain commas (RFC 7644 §3.10), so a list is one header.
    package var headers: [(name: String, value: String)] {
        var headers = [(name: Self.baseHeader, value: baseURL)]
        if !attributes.isEmpty { headers.append((Self.attributesHeader, attributes.joined(separator: ","))) }
        if !excludedAttributes.isEmpty { headers.append((Self.excludedAttributesHeader, excludedAttributes.joined(separator: ","))) }
        return headers
    }

    /// Read back from the values of the three headers; nil without a base URL (the caller asked for the stored
    /// resource).
    package init?(baseHeader: String?, attributesHeader: String?, excludedAttributesHeader: String?) {
        guard let baseHeader, !baseHeader.isEmpty else { return nil }
        self.init(baseURL: baseHeader, attributes: Self.names(attributesHeader), excludedAttributes: Self.names(excludedAttributesHeader))
    }

    /// The renderer for `resourceType`; a name that is not attribute notation is `invalidPath`.
    package func renderer(resourceType: String) throws(ScimError) -> ResourceRenderer {
        ResourceRenderer(
            baseURL: baseURL,
            projection: try AttributeProjection(
                attributes: attributes, excludedAttributes: excludedAttributes, registry: .standard, resourceType: resourceType))
    }

    private static func names(_ list: String?) -> [String] {
        guard let list else { return [] }
        return list.split(separator: ",").map { String($0) }
    }
}

/// A read answered as final SCIM bytes, with the resource's version when it is one resource (for `ETag`).
package struct RenderedRead: Sendable {
    package var body: [UInt8]
    package var version: Int?

    package init(body: [UInt8], version: Int?) {
        self.body = body
        self.version = version
    }
}

extension StoredResource {
    /// This resource as a client sees it.
    package func rendered(resourceType: String, by renderer: ResourceRenderer) -> RenderedRead {
        var writer = JSONWriter()
        writer.write(renderer.render(resource, resourceType: resourceType, id: id))
        return RenderedRead(body: writer.bytes, version: version)
    }
}

extension DirectoryPage {
    /// This page as a SCIM `ListResponse`.
    package func rendered(resourceType: String, by renderer: ResourceRenderer) -> RenderedRead {
        var writer = JSONWriter(capacity: 512 + 1024 * resources.count)
        writer.write(
            .listResponse(
                resources: resources.map { renderer.render($0.resource, resourceType: resourceType, id: $0.id) }, totalResults: totalResults,
                startIndex: startIndex, itemsPerPage: resources.count, nextCursor: nextCursor, previousCursor: nil))
        return RenderedRead(body: writer.bytes, version: nil)
    }
}
