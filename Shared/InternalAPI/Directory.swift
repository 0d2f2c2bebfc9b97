import ScimCore

/// One page of a list.
package struct DirectoryPage: Codable, Sendable, Hashable {
    package var totalResults: Int
    /// The 1-based index of the first resource (index paging only).
    package var startIndex: Int?
    package var resources: [StoredResource]
    /// RFC 9865: the cursor of the next page, absent on the last page.
    package var nextCursor: String?

    package init(totalResults: Int, startIndex: Int?, resources: [StoredResource], nextCursor: String?) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
        self.nextCursor = nextCursor
    }
}

/// A full replace (PUT) of a user.
package struct UserReplaceRequest: Codable, Sendable, Hashable {
    package var resource: JSONValue
    package var identity: [String: JSONValue]
    /// The version the client (or the gateway's read-modify-write) based the change on; nil = unconditional.
    package var ifMatch: Int?

    package init(resource: JSONValue, identity: [String: JSONValue], ifMatch: Int?) {
        self.resource = resource
        self.identity = identity
        self.ifMatch = ifMatch
    }
}

/// A create or full replace of a group: the resource including its `members`.
package struct GroupWriteRequest: Codable, Sendable, Hashable {
    package var resource: JSONValue
    package var ifMatch: Int?

    package init(resource: JSONValue, ifMatch: Int? = nil) {
        self.resource = resource
        self.ifMatch = ifMatch
    }
}

/// A PATCH of a group, applied by the directory in one transaction: attribute changes on the document,
/// membership changes as row inserts and deletes.
package struct GroupPatchRequest: Codable, Sendable, Hashable {
    /// The PatchOp message as the client sent it.
    package var patch: JSONValue
    package var ifMatch: Int?

    package init(patch: JSONValue, ifMatch: Int?) {
        self.patch = patch
        self.ifMatch = ifMatch
    }
}
