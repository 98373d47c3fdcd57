package moderation_test

import (
	"slices"
	"testing"

	"github.com/kincare/kincare/domain/moderation"
)

func TestPhoneNumbersAndLinksAreFoundHoweverTheyAreWritten(t *testing.T) {
	for text, want := range map[string][]string{
		"阿姨很细心，准时到达":                         nil,
		"2026-12-03 10:00 上门，服务 45 分钟":       nil, // a date and a time are not a phone
		"洗了 3 次头，水温 40 度，共 120 分钟":           nil,
		"订单 12 号那天来晚了 15 分钟":                 nil,
		"有事打我电话13800138000":                  {moderation.ContainsPhone},
		"138 0013 8000 随时联系":                 {moderation.ContainsPhone},
		"138-0013-8000":                      {moderation.ContainsPhone},
		"+86 13800138000":                    {moderation.ContainsPhone},
		"１３８００１３８０００":                        {moderation.ContainsPhone}, // full width
		"座机 021-64381234":                    {moderation.ContainsPhone},
		"热线400-820-8820":                     {moderation.ContainsPhone},
		"电话幺三八零零幺三八零零零":                      {moderation.ContainsPhone},
		"更多请看 https://example.com/x":         {moderation.ContainsLink},
		"www.shop.cn 有优惠":                    {moderation.ContainsLink},
		"关注 ｗｗｗ。ｄｅａｌｓ。ｃｏｍ":                   {moderation.ContainsLink},
		"加群 t.me/abc":                        {moderation.ContainsLink},
		"weixin://dl/chat":                   {moderation.ContainsLink},
		"护理员很好 v.douyin.com/abc 13800138000": {moderation.ContainsPhone, moderation.ContainsLink},
		"Very kind, 5 stars. Thank you.":     nil, // a sentence's full stop is not a link
	} {
		if got := moderation.Problems(text); !slices.Equal(got, want) {
			t.Errorf("Problems(%q) = %v, want %v", text, got, want)
		}
	}
}
