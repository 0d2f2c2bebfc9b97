import ScimCore

// The internal messages that carry whole SCIM resources, converted by hand (see `JSONValueConvertible`): they are
// on every SCIM request's path between the gateway and the directory.

extension StoredResource: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        self.init(id: try json.string("id"), version: try json.int("version"), resource: try json.member("resource"))
    }

    package var json: JSONValue { ["id": .string(id), "version": .number(Double(version)), "resource": resource] }
}

extension DirectoryPage: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        var resources: [StoredResource] = []
        for element in try json.array("resources") { resources.append(try StoredResource(json: element)) }
        self.init(
            totalResults: try json.int("totalResults"),
            startIndex: try json.optionalInt("startIndex"),
            resources: resources,
            nextCursor: try json.optionalString("nextCursor")
        )
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = ["totalResults": .number(Double(totalResults)), "resources": .array(resources.map(\.json))]
        members.setIfPresent("startIndex", startIndex)
        members.setIfPresent("nextCursor", nextCursor)
        return .object(members)
    }
}

extension UserWriteRequest: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        self.init(resource: try json.member("resource"), identity: try json.object("identity"))
    }

    package var json: JSONValue { ["resource": resource, "identity": .object(identity)] }
}

extension UserReplaceRequest: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        self.init(resource: try json.member("resource"), identity: try json.object("identity"), ifMatch: try json.optionalInt("ifMatch"))
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = ["resource": resource, "identity": .object(identity)]
        members.setIfPresent("ifMatch", ifMatch)
        return .object(members)
    }
}

extension GroupWriteRequest: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        self.init(resource: try json.member("resource"), ifMatch: try json.optionalInt("ifMatch"))
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = ["resource": resource]
        members.setIfPresent("ifMatch", ifMatch)
        return .object(members)
    }
}

extension GroupPatchRequest: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        self.init(patch: try json.member("patch"), ifMatch: try json.optionalInt("ifMatch"))
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = ["patch": patch]
        members.setIfPresent("ifMatch", ifMatch)
        return .object(members)
    }
}
