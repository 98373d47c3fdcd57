package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kincare/kincare/domain/geo"
)

// The demo's clock and ids: the district's year is simulated, so every
// use case is given this clock, and ids are UUIDv7 of the simulated time
// with random bits from the seed, so the same seed makes the same ids.

type demoClock struct {
	mu  sync.Mutex
	now time.Time
	end time.Time // the real time the demo started: its year ends here
	// follow is told every move: the embedded Redis keeps its expiry
	// times on this clock, else what the demo's past holds would lapse
	// at once.
	follow func(time.Time)
}

func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// set moves the clock; never backwards, so ids keep the order of events.
func (c *demoClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
		if c.follow != nil {
			c.follow(t)
		}
	}
}

type demoIDs struct {
	mu     sync.Mutex
	clock  *demoClock
	rng    *rand.Rand
	lastMs int64
	seq    uint16
}

// New is a UUIDv7: 48 bits of the clock's milliseconds, then a counter
// within the millisecond (rand_a), then seeded random bits.
func (g *demoIDs) New() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.clock.Now().UnixMilli()
	if ms == g.lastMs {
		g.seq++
	} else {
		g.lastMs, g.seq = ms, 0
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	binary.BigEndian.PutUint16(b[6:8], 0x7000|g.seq&0x0fff)
	binary.BigEndian.PutUint64(b[8:16], g.rng.Uint64())
	b[8] = 0x80 | b[8]&0x3f
	return uuid.UUID(b).String()
}

// A district of Shanghai's Xuhui: its streets (街道), where people live
// and providers work, within a few kilometres of its centre.
var demoStreets = []struct {
	name   string
	roads  []string
	centre geo.Point
}{
	{"徐家汇街道", []string{"漕溪北路", "虹桥路", "天钥桥路"}, geo.Point{Lat: 31.1920, Lng: 121.4380}},
	{"天平路街道", []string{"天平路", "衡山路", "广元路"}, geo.Point{Lat: 31.2040, Lng: 121.4420}},
	{"枫林路街道", []string{"枫林路", "东安路", "零陵路"}, geo.Point{Lat: 31.1960, Lng: 121.4560}},
	{"田林街道", []string{"田林路", "钦州路", "宜山路"}, geo.Point{Lat: 31.1760, Lng: 121.4300}},
	{"康健新村街道", []string{"康健路", "桂林路", "漕宝路"}, geo.Point{Lat: 31.1680, Lng: 121.4200}},
	{"长桥街道", []string{"龙吴路", "罗秀路", "百色路"}, geo.Point{Lat: 31.1500, Lng: 121.4450}},
	{"漕河泾街道", []string{"田林东路", "漕宝路", "桂平路"}, geo.Point{Lat: 31.1700, Lng: 121.4000}},
	{"凌云路街道", []string{"凌云路", "梅陇路", "华东路"}, geo.Point{Lat: 31.1560, Lng: 121.4270}},
}

var (
	demoSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
		"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"}
	demoElderGiven = map[string][]string{
		"female": {"秀兰", "桂英", "玉珍", "淑芬", "凤英", "秀珍", "美华", "慧敏", "月娥", "素琴"},
		"male":   {"建国", "国强", "德明", "志强", "福生", "永康", "宝根", "金龙", "振华", "仁和"},
	}
	demoGiven      = []string{"静", "伟", "敏", "磊", "丽", "军", "婷", "杰", "芳", "涛", "燕", "斌", "雪", "峰", "琳"}
	demoChildGiven = []string{"一诺", "子涵", "梓萱", "浩然", "欣怡", "宇轩", "可馨", "睿泽", "思彤", "沐辰"}
)

// rng helpers, all from one seeded generator so a run is reproducible.
type demoRand struct{ *rand.Rand }

func (r demoRand) pick(list []string) string { return list[r.IntN(len(list))] }

func (r demoRand) chance(p float64) bool { return r.Float64() < p }

// near is a point within about radius metres of c.
func (r demoRand) near(c geo.Point, radius float64) geo.Point {
	dLat := (r.Float64()*2 - 1) * radius / 111_195
	dLng := (r.Float64()*2 - 1) * radius / 95_000 // a degree of longitude at 31°N
	return geo.Point{Lat: c.Lat + dLat, Lng: c.Lng + dLng}
}

func (r demoRand) address(street int) geo.Address {
	s := demoStreets[street]
	return geo.Address{Province: "上海市", City: "上海市", District: "徐汇区",
		Street:     fmt.Sprintf("%s %d 号", r.pick(s.roads), 1+r.IntN(900)),
		Detail:     fmt.Sprintf("%d号楼%d单元%d室", 1+r.IntN(30), 1+r.IntN(4), 101+r.IntN(18)*100+r.IntN(4)),
		RegionCode: "310104", Location: r.near(s.centre, 900)}
}

// phone numbers by role, distinct by construction: 138 0000 xxxx for the
// platform, 137 for provider admins, 136 for caregivers, 139 for families.
func demoPhone(prefix string, n int) string { return fmt.Sprintf("%s%08d", prefix, n) }
