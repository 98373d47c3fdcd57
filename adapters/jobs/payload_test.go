package jobs

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// The payload's own encoder must write what encoding/json writes: the
// worker, the due mover and tasks queued by older replicas all read it.
func TestEventPayloadEncodesAsEncodingJSONDoes(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	odd := []string{"", "plain", `quo"te\back`, "<b>&amp;</b>", "tab\tnl\ncr\r\x00\x1f\x7f", "托育 普惠",
		"\u2028\u2029", "bad\xffutf8\xc3", "emoji 👶", "\b\f"}
	// calendar-safe: only bytes are compared, nothing is due or late
	at := time.Date(2026, 9, 1, 8, 0, 0, 123456789, time.UTC)
	cases := []eventPayload{
		{ID: "hold-expiring-x", Type: "hold.expiring", SubjectKind: "hold", SubjectID: "x", At: at},
		{ID: "e", Type: "t", At: at.In(shanghai), NotBefore: at.Add(5 * time.Minute).In(shanghai),
			Data: map[string]string{"userId": "u", "holdId": "h", "slotId": "s", "tier": "market", "expiresAt": "2026"}},
		// calendar-safe: a year encoding/json refuses, for the error
		{ID: "far", At: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		pick := func() string { return odd[rng.IntN(len(odd))] + odd[rng.IntN(len(odd))] }
		data := map[string]string{}
		for range rng.IntN(4) {
			data[pick()] = pick()
		}
		cases = append(cases, eventPayload{ID: pick(), Type: pick(), SubjectKind: pick(), SubjectID: pick(),
			At: at.Add(time.Duration(rng.Int64N(1e15))), Data: data})
	}
	for _, p := range cases {
		want, wantErr := json.Marshal(p)
		got, err := p.marshal()
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%+v:\n got %s (%v)\nwant %s (%v)", p, got, err, want, wantErr)
		}
	}
}

func BenchmarkEventPayload(b *testing.B) {
	p := eventPayload{ID: "hold-expiring-s1.abc", Type: "hold.expiring", SubjectKind: "hold", SubjectID: "s1.abc",
		At: time.Now(), NotBefore: time.Now().Add(5 * time.Minute),
		Data: map[string]string{"userId": "u", "holdId": "h", "slotId": "s", "tier": "market", "expiresAt": "2026"}}
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, _ = p.marshal()
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, _ = json.Marshal(p)
		}
	})
}
