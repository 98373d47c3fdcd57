package jobs

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"
)

// marshal writes the payload as encoding/json would, byte for byte
// (TestEventPayloadEncodesAsEncodingJSONDoes), without its reflection:
// every hold a parent takes queues a reminder, and json.Marshal of its
// payload was a quarter of that enqueue's CPU. A time encoding/json
// refuses (a year outside 0–9999) goes to json.Marshal for its error.
func (p eventPayload) marshal() ([]byte, error) {
	if !jsonTime(p.At) || (!p.NotBefore.IsZero() && !jsonTime(p.NotBefore)) {
		return json.Marshal(p)
	}
	size := 160 + len(p.ID) + len(p.Type) + len(p.SubjectKind) + len(p.SubjectID)
	for k, v := range p.Data {
		size += 6 + len(k) + len(v)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"id":`...)
	b = appendJSONString(b, p.ID)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, p.Type)
	b = append(b, `,"subjectKind":`...)
	b = appendJSONString(b, p.SubjectKind)
	b = append(b, `,"subjectId":`...)
	b = appendJSONString(b, p.SubjectID)
	b = append(b, `,"at":"`...)
	b = p.At.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if !p.NotBefore.IsZero() {
		b = append(b, `,"notBefore":"`...)
		b = p.NotBefore.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	if len(p.Data) > 0 {
		b = append(b, `,"data":{`...)
		keys := make([]string, 0, len(p.Data))
		for k := range p.Data {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, p.Data[k])
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// jsonTime reports whether encoding/json can write t (time.MarshalJSON).
func jsonTime(t time.Time) bool {
	y := t.Year()
	if y < 0 || y > 9999 {
		return false
	}
	_, off := t.Zone()
	return off%60 == 0 && off > -24*3600 && off < 24*3600
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does: HTML-safe (<, >, &
// as \u003c…), invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
