package fakefcm

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Failure is an error answer FCM gives for one send. The body is built
// exactly as FCM HTTP v1 sends it, so the Firebase SDK's classification
// (messaging.IsUnregistered, ...) runs on the real shape.
type Failure struct {
	HTTPStatus int
	// Status is the google.rpc status, e.g. "NOT_FOUND", "UNAVAILABLE".
	Status string
	// ErrorCode is FCM's own code in the FcmError detail, e.g.
	// "UNREGISTERED"; empty for an error without that detail.
	ErrorCode string
	Message   string
	// RetryAfter is the Retry-After header value (seconds or an HTTP
	// date); empty for none.
	RetryAfter string
}

// Unregistered is FCM's answer for a token of an uninstalled app or a
// rotated token.
func Unregistered() Failure {
	return Failure{HTTPStatus: http.StatusNotFound, Status: "NOT_FOUND", ErrorCode: "UNREGISTERED",
		Message: "Requested entity was not found."}
}

// InvalidToken is FCM's answer for a string that is not a token at all.
func InvalidToken() Failure {
	return InvalidArgument("The registration token is not a valid FCM registration token")
}

// InvalidArgument is FCM's answer for a malformed message, e.g.
// InvalidArgument("Invalid value at 'message.android.ttl'").
func InvalidArgument(message string) Failure {
	return Failure{HTTPStatus: http.StatusBadRequest, Status: "INVALID_ARGUMENT", ErrorCode: "INVALID_ARGUMENT",
		Message: message}
}

// SenderIDMismatch is FCM's answer for a token issued to another sender
// (another Firebase project).
func SenderIDMismatch() Failure {
	return Failure{HTTPStatus: http.StatusForbidden, Status: "PERMISSION_DENIED", ErrorCode: "SENDER_ID_MISMATCH",
		Message: "SenderId mismatch"}
}

// Unavailable is FCM overloaded. The Firebase SDK retries this one
// itself, honouring retryAfter ("" for none).
func Unavailable(retryAfter string) Failure {
	return Failure{HTTPStatus: http.StatusServiceUnavailable, Status: "UNAVAILABLE", ErrorCode: "UNAVAILABLE",
		Message: "The service is currently unavailable.", RetryAfter: retryAfter}
}

func Internal() Failure {
	return Failure{HTTPStatus: http.StatusInternalServerError, Status: "INTERNAL", ErrorCode: "INTERNAL",
		Message: "Internal error encountered."}
}

// QuotaExceeded is the project's or the device's send rate exceeded.
func QuotaExceeded(retryAfter string) Failure {
	return Failure{HTTPStatus: http.StatusTooManyRequests, Status: "RESOURCE_EXHAUSTED", ErrorCode: "QUOTA_EXCEEDED",
		Message:    "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute' of service 'fcm.googleapis.com'.",
		RetryAfter: retryAfter}
}

type errorBody struct {
	Error errorStatus `json:"error"`
}

type errorStatus struct {
	Code    int           `json:"code"`
	Message string        `json:"message"`
	Status  string        `json:"status"`
	Details []errorDetail `json:"details,omitempty"`
}

type errorDetail struct {
	Type      string `json:"@type"`
	ErrorCode string `json:"errorCode"`
}

func (f Failure) write(w http.ResponseWriter) {
	body := errorBody{Error: errorStatus{Code: f.HTTPStatus, Message: f.Message, Status: f.Status}}
	if f.ErrorCode != "" {
		body.Error.Details = []errorDetail{{Type: "type.googleapis.com/google.firebase.fcm.v1.FcmError", ErrorCode: f.ErrorCode}}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	writeJSON(w, f.HTTPStatus, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // our own plain structs: cannot fail
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
