import CCurl
import Foundation

/// One libcurl easy handle: the options both transports set, the upload and download buffers, and
/// the result of a transfer. libcurl keeps the connection open between transfers of one handle,
/// which is how a batch of emails shares one SMTP session. Blocking: use it from one thread at a time.
final class CurlHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// The outcome of a transfer: libcurl's code and message, and the server's last reply code.
    struct Result {
        let code: CURLcode
        let message: String
        /// The last SMTP or HTTP status code (0 when the server never answered).
        let responseCode: Int
        let body: Data
        /// The HTTP response's header lines, as received (empty unless asked for).
        let headers: String

        var succeeded: Bool { code == CURLE_OK }
    }

    init(url: String, timeout: Duration) {
        _ = Self.globalInit
        handle = curl_easy_init()
        errorBuffer[0] = 0
        curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        // Signals cannot be used for timeouts in a multi-threaded process.
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_URL, url)
        let milliseconds = Int(timeout.components.seconds * 1000)
        set(CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000))
        set(CURLOPT_TIMEOUT_MS, milliseconds)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) {
        _ = curl_setopt_long(handle, option, value)
    }

    /// Sets a text option; libcurl keeps its own copy.
    func set(_ option: CURLoption, _ value: String) {
        value.withCString { _ = curl_setopt_string(handle, option, $0) }
    }

    /// Runs one transfer; `upload` is sent as the request body (an SMTP message), `recipients`
    /// become the SMTP envelope; `headers` are HTTP request headers, and with `keepHeaders` the
    /// response's header lines come back too (the body up to `bodyLimit` bytes); `resolve` pins
    /// host names to addresses (`host:port:address`).
    func perform(
        upload: Data? = nil, recipients: [String] = [], headers: [String] = [], keepHeaders: Bool = false, bodyLimit: Int = .max,
        resolve: [String] = []
    ) -> Result {
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = curl_slist_append(list, recipient) }
        defer { curl_slist_free_all(list) }
        if !recipients.isEmpty { curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, list) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }
        curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
        // host:port:address entries: connect to the address already checked, whatever DNS says now.
        var resolveList: UnsafeMutablePointer<curl_slist>?
        for entry in resolve { resolveList = curl_slist_append(resolveList, entry) }
        defer { curl_slist_free_all(resolveList) }
        if resolveList != nil { curl_setopt_pointer(handle, CURLOPT_RESOLVE, resolveList) }

        let transfer = Transfer(upload: upload ?? Data(), bodyLimit: bodyLimit)
        let context = Unmanaged.passRetained(transfer)
        defer { context.release() }
        curl_setopt_write_function(handle, Self.write)
        curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        if keepHeaders {
            curl_setopt_header_function(handle, Self.header)
            curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
        }
        if upload != nil {
            set(CURLOPT_UPLOAD, 1)
            curl_setopt_read_function(handle, Self.read)
            curl_setopt_pointer(handle, CURLOPT_READDATA, context.toOpaque())
        }
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        var response = 0
        curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        return Result(code: code, message: detail, responseCode: response, body: transfer.received,
                      headers: String(decoding: transfer.headers, as: UTF8.self))
    }

    /// The bytes going out and coming back during one transfer.
    private final class Transfer {
        let upload: Data
        var offset = 0
        var received = Data()
        var headers = Data()
        /// Bytes of the response body kept; the rest is read and dropped (a receiver's answer is shown as an excerpt).
        let bodyLimit: Int

        init(upload: Data, bodyLimit: Int) {
            self.upload = upload
            self.bodyLimit = bodyLimit
        }
    }

    private static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = min(size * count, transfer.upload.count - transfer.offset)
        guard length > 0 else { return 0 }
        transfer.upload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + transfer.offset, byteCount: length)
        }
        transfer.offset += length
        return length
    }

    private static let header: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        // A line starting a new response (after a 100 Continue) replaces what came before.
        if size * count >= 5, memcmp(buffer, "HTTP/", 5) == 0 { transfer.headers.removeAll() }
        if transfer.headers.count < 16_384 {
            transfer.headers.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: size * count)
        }
        return size * count
    }

    private static let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let kept = min(size * count, max(0, transfer.bodyLimit - transfer.received.count))
        transfer.received.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: kept)
        return size * count
    }
}

/// A libcurl handle for HTTP(S) only, without redirects, that moves between pool threads and is
/// used by one transfer at a time.
final class SendableCurl: @unchecked Sendable {
    let handle: CurlHandle

    init(timeout: Duration) {
        handle = CurlHandle(url: "http://localhost/", timeout: timeout)
        handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        handle.set(CURLOPT_FOLLOWLOCATION, 0)
    }
}
