import ScimCore

/// The provisioning log's batch travels through ``JSONWriter`` and ``JSONReader`` rather than `Codable`: a 100,000-user
/// sync sends some 200,000 entries, and Foundation's coders were a tenth of both the gateway's and the directory's CPU
/// in that sync (perf, issue 22). The members are the `Codable` ones (the properties' names), so either way reads
/// the other's bytes.
extension ProvisioningLogEntry: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        guard let operation = ProvisioningOperation(rawValue: try json.string("operation")) else {
            throw ScimError.invalidSyntax("Field 'operation' is not a provisioning operation.")
        }
        guard let status = ProvisioningStatus(rawValue: try json.string("status")) else {
            throw ScimError.invalidSyntax("Field 'status' is not a provisioning status.")
        }
        var changed: [String] = []
        for name in try json.array("changedAttributes") {
            guard let text = name.stringValue else { throw ScimError.invalidSyntax("Field 'changedAttributes' must hold strings.") }
            changed.append(text)
        }
        self.init(
            id: try json.string("id"),
            time: try json.string("time"),
            requestID: try json.string("requestID"),
            tenantID: try json.string("tenantID"),
            idpID: try json.string("idpID"),
            method: try json.string("method"),
            path: try json.string("path"),
            operation: operation,
            resourceType: try json.optionalString("resourceType"),
            resourceID: try json.optionalString("resourceID"),
            externalID: try json.optionalString("externalID"),
            displayName: try json.optionalString("displayName"),
            status: status,
            httpStatus: try json.int("httpStatus"),
            scimType: try json.optionalString("scimType"),
            detail: try json.optionalString("detail"),
            changedAttributes: changed,
            requestBody: try json.optionalString("requestBody"),
            responseBody: try json.optionalString("responseBody"),
            tokenPrefix: try json.optionalString("tokenPrefix")
        )
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "time": .string(time), "requestID": .string(requestID), "tenantID": .string(tenantID),
            "idpID": .string(idpID), "method": .string(method), "path": .string(path), "operation": .string(operation.rawValue),
            "status": .string(status.rawValue), "httpStatus": .number(Double(httpStatus)),
            "changedAttributes": .array(changedAttributes.map(JSONValue.string)),
        ]
        members.setIfPresent("resourceType", resourceType)
        members.setIfPresent("resourceID", resourceID)
        members.setIfPresent("externalID", externalID)
        members.setIfPresent("displayName", displayName)
        members.setIfPresent("scimType", scimType)
        members.setIfPresent("detail", detail)
        members.setIfPresent("requestBody", requestBody)
        members.setIfPresent("responseBody", responseBody)
        members.setIfPresent("tokenPrefix", tokenPrefix)
        return .object(members)
    }
}

extension ProvisioningReadCount: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        self.init(
            tenantID: try json.string("tenantID"),
            idpID: try json.string("idpID"),
            minute: try json.string("minute"),
            count: try json.int("count")
        )
    }

    package var json: JSONValue {
        .object(["tenantID": .string(tenantID), "idpID": .string(idpID), "minute": .string(minute), "count": .number(Double(count))])
    }
}

extension ProvisioningLogBatch: JSONValueConvertible {
    package init(json: JSONValue) throws(ScimError) {
        var entries: [ProvisioningLogEntry] = []
        for entry in try json.array("entries") { entries.append(try ProvisioningLogEntry(json: entry)) }
        var reads: [ProvisioningReadCount] = []
        for count in try json.array("reads") { reads.append(try ProvisioningReadCount(json: count)) }
        self.init(entries: entries, reads: reads)
    }

    package var json: JSONValue {
        .object(["entries": .array(entries.map(\.json)), "reads": .array(reads.map(\.json))])
    }
}
