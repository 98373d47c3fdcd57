package text_test

import (
	"strings"
	"testing"

	"github.com/kincare/kincare/domain/text"
)

var (
	name  = text.Rule{Max: 10, Required: true}
	notes = text.Rule{Max: 20, Multiline: true}
)

func TestDisplayTextPeopleWriteIsKept(t *testing.T) {
	cases := []struct {
		rule     text.Rule
		in, want string
	}{
		{name, "王秀兰", "王秀兰"},
		{name, "  王秀兰 ", "王秀兰"},
		{name, "王秀兰\r\n", "王秀兰"}, // pasted with its line break
		{name, "Mary Ann", "Mary Ann"},
		{name, "王　秀兰", "王　秀兰"}, // an ideographic space inside
		{name, "奶奶👵🏻", "奶奶👵🏻"},
		{name, "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"}, // a family emoji is joined by ZWJ
		{name, "❤\ufe0f", "❤\ufe0f"},                 // with its variation selector
		{name, "Zoe\u0308", "Zoë"},                   // NFC composes
		{name, "Ω", "Ω"},                             // U+2126 OHM SIGN is U+03A9 in NFC
		{name, strings.Repeat("托", 10), strings.Repeat("托", 10)},
		{notes, "耳背\r\n请用力敲门\t谢谢", "耳背\n请用力敲门\t谢谢"},
		{notes, "一\u2028二", "一\n二"},
		{notes, "   ", ""},
		{notes, "", ""},
	}
	for _, c := range cases {
		got, bad := c.rule.Clean("/f", c.in)
		if bad != nil || got != c.want {
			t.Errorf("Clean(%+q) = %+q, %v; want %+q", c.in, got, bad, c.want)
		}
	}
}

func TestDisplayTextThatHidesOrBreaksIsRefused(t *testing.T) {
	cases := []struct {
		rule text.Rule
		in   string
		code string
	}{
		{name, "", text.CodeRequired},
		{name, " \t\n ", text.CodeRequired},
		{name, "   ", text.CodeRequired},
		{name, "王\t秀兰", text.CodeControl},
		{name, strings.Repeat("托", 11), text.CodeMaxLength},
		{name, "王\x00秀兰", text.CodeControl},
		{name, "王\x1b[31m", text.CodeControl},
		{name, "王\u0085秀兰", text.CodeControl}, // NEL
		{name, "王\n秀兰", text.CodeControl},     // one line only
		{name, "王\u2028秀兰", text.CodeControl},
		{notes, "备注\x00", text.CodeControl},
		{notes, "备注\x7f", text.CodeControl},
		{name, "\u202egnp.exe", text.CodeBidi},
		{name, "王\u202d秀兰", text.CodeBidi},
		{name, "a\u2066b\u2069", text.CodeBidi},
		{name, "a\u200fb", text.CodeBidi},
		{name, "a\u061cb", text.CodeBidi},
		{notes, "\u202e备注", text.CodeBidi},
		{name, "\u200b", text.CodeInvisible},
		{name, "\u200b\u200c\u200d\u2060\ufeff", text.CodeInvisible},
		{name, " \u200b \u3164 ", text.CodeInvisible},
		{name, "\u2800", text.CodeInvisible},
		{notes, "\u00ad", text.CodeInvisible},
		{name, "王\xff秀兰", text.CodeEncoding},
		{name, "王\ufffd兰", text.CodeEncoding},
		{name, "王\uffff兰", text.CodeEncoding},
		{name, "王\ufdd0兰", text.CodeEncoding},
	}
	for _, c := range cases {
		got, bad := c.rule.Clean("/name", c.in)
		if bad == nil || bad.Code != c.code || bad.Field != "/name" || got != "" {
			t.Errorf("Clean(%+q) = %+q, %+v; want field /name code %s", c.in, got, bad, c.code)
		}
	}
}

// Check gathers what is wrong with each field and cleans the rest.
func TestCheckGathersFieldErrors(t *testing.T) {
	a, b, c := " 王秀兰 ", "\u202e", "ok"
	fields := name.Check(nil, "/a", &a)
	fields = name.Check(fields, "/b", &b)
	fields = notes.Check(fields, "/c", &c)
	if len(fields) != 1 || fields[0].Field != "/b" || fields[0].Code != text.CodeBidi || a != "王秀兰" || c != "ok" {
		t.Errorf("fields %+v, a %q, c %q", fields, a, c)
	}
}

// Length is counted after normalisation: a decomposed name that fits
// once composed is accepted.
func TestLengthIsCountedInNormalisedCharacters(t *testing.T) {
	decomposed := strings.Repeat("e\u0301", 10) // 20 runes, 10 once composed
	if got, bad := name.Clean("/name", decomposed); bad != nil || got != strings.Repeat("é", 10) {
		t.Errorf("Clean = %+q, %v", got, bad)
	}
}
