import Foundation
import InternalAPI
import ScimCore
import Testing

/// The batch a gateway sends travels through JSONWriter and JSONReader; the `Codable` members are the same, so a
/// batch written either way reads back the same either way.
struct ProvisioningBatchJSONTests {
    static let batch = ProvisioningLogBatch(
        entries: [
            ProvisioningLogEntry(
                id: "0193f1c2-0000-7000-8000-000000000001",
                time: "2026-12-07T10:15:02.481Z",
                requestID: "request-1",
                tenantID: "acme",
                idpID: "okta",
                method: "POST",
                path: "/scim/v2/acme/okta/Users",
                operation: .create,
                resourceType: "User",
                externalID: "00u1",
                displayName: "ada@example.com",
                status: .failure,
                httpStatus: 400,
                scimType: "invalidValue",
                detail: "Attribute 'userName' is required — \"quoted\"\n",
                changedAttributes: ["name", "emails"],
                requestBody: #"{"password":"[redacted]"}"#,
                responseBody: "{}",
                tokenPrefix: "pvs_1a2b…"
            ),
            ProvisioningLogEntry(
                id: "0193f1c2-0000-7000-8000-000000000002",
                time: "2026-12-07T10:15:03.000Z",
                requestID: "request-2",
                tenantID: "acme",
                idpID: "okta",
                method: "DELETE",
                path: "/scim/v2/acme/okta/Users/1",
                operation: .delete,
                status: .success,
                httpStatus: 204
            ),
        ],
        reads: [ProvisioningReadCount(tenantID: "acme", idpID: "okta", minute: "2026-12-07T10:15:00.000Z", count: 42)]
    )

    @Test func theHandWrittenJSONReadsBackAndAgreesWithCodable() throws {
        #expect(try ProvisioningLogBatch.decode(Self.batch.encoded()) == Self.batch)
        #expect(try ProvisioningLogBatch.decode(try JSONEncoder().encode(Self.batch)) == Self.batch)
        #expect(try JSONDecoder().decode(ProvisioningLogBatch.self, from: Self.batch.encoded()) == Self.batch)
    }

    @Test(arguments: [
        #"{"entries": [], "reads": [{"tenantID": "a", "idpID": "b", "minute": "m"}]}"#,
        #"{"entries": [{"id": "x"}], "reads": []}"#,
        #"{"entries": "none", "reads": []}"#,
        #"{"reads": []}"#,
        "[]",
    ])
    func aMalformedBatchIsInvalidSyntax(text: String) {
        #expect(throws: ScimError.self) { try ProvisioningLogBatch.decode(Data(text.utf8)) }
    }

    @Test func anUnknownOperationOrStatusIsRefused() throws {
        var json = try #require(Self.batch.entries.first?.json.objectValue)
        json["operation"] = .string("explode")
        #expect(throws: ScimError.self) { try ProvisioningLogEntry(json: .object(json)) }
    }
}
