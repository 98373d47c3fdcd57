package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kincare/kincare/domain/geo"
)

// vectorDistance is an independent formula: the angle between the two
// points' unit vectors, atan2(|a×b|, a·b), which is accurate at every
// distance and shares no algebra with the haversine.
func vectorDistance(a, b geo.Point) float64 {
	unit := func(p geo.Point) [3]float64 {
		lat, lng := p.Lat*math.Pi/180, p.Lng*math.Pi/180
		return [3]float64{math.Cos(lat) * math.Cos(lng), math.Cos(lat) * math.Sin(lng), math.Sin(lat)}
	}
	u, v := unit(a), unit(b)
	cross := [3]float64{u[1]*v[2] - u[2]*v[1], u[2]*v[0] - u[0]*v[2], u[0]*v[1] - u[1]*v[0]}
	dot := u[0]*v[0] + u[1]*v[1] + u[2]*v[2]
	return geo.EarthRadiusMetres * math.Atan2(math.Hypot(math.Hypot(cross[0], cross[1]), cross[2]), dot)
}

func TestDistanceOfKnownPlaces(t *testing.T) {
	degree := geo.EarthRadiusMetres * math.Pi / 180 // 111 195.08 m
	cases := []struct {
		name string
		a, b geo.Point
		want float64 // metres
		tol  float64 // metres
	}{
		// Hand-checked: an arc of one degree on any great circle.
		{"one degree along a meridian", geo.Point{Lat: 31, Lng: 121}, geo.Point{Lat: 32, Lng: 121}, degree, 1e-6},
		{"one degree along the equator", geo.Point{Lat: 0, Lng: -0.5}, geo.Point{Lat: 0, Lng: 0.5}, degree, 1e-6},
		{"across the antimeridian", geo.Point{Lat: 0, Lng: 179.5}, geo.Point{Lat: 0, Lng: -179.5}, degree, 1e-6},
		// Along a parallel the arc is cos(lat) shorter; at 60° a tenth of
		// a degree is half of one on the equator, to within 1 mm.
		{"a tenth of a degree along 60°N", geo.Point{Lat: 60, Lng: 10}, geo.Point{Lat: 60, Lng: 10.1}, degree / 20, 0.01},
		// People's Square to Hongqiao Airport, Shanghai: 13.557 km.
		{"人民广场 to 虹桥机场", geo.Point{Lat: 31.2304, Lng: 121.4737}, geo.Point{Lat: 31.1979, Lng: 121.3363}, 13_557.01, 0.01},
		// Redis's own documentation gives GEODIST Palermo Catania as
		// 166 274.1516 m on its radius of 6 372 797.560856 m, from
		// coordinates it rounded to about half a metre.
		{"Palermo to Catania (Redis docs, rescaled)", geo.Point{Lat: 38.115556, Lng: 13.361389},
			geo.Point{Lat: 37.502669, Lng: 15.087269}, 166_274.1516 * geo.EarthRadiusMetres / 6_372_797.560856, 0.5},
		{"north pole to south pole", geo.Point{Lat: 90}, geo.Point{Lat: -90}, math.Pi * geo.EarthRadiusMetres, 1e-6},
	}
	for _, c := range cases {
		if got := geo.Distance(c.a, c.b); math.Abs(got-c.want) > c.tol {
			t.Errorf("%s: %.6f m, want %.6f ± %g", c.name, got, c.want, c.tol)
		}
	}
}

func TestDistanceIsZeroOnlyToItself(t *testing.T) {
	for _, p := range []geo.Point{{}, {Lat: 31.2304, Lng: 121.4737}, {Lat: 90, Lng: 0}, {Lat: -45, Lng: 180}} {
		if d := geo.Distance(p, p); d != 0 {
			t.Errorf("Distance(%v, itself) = %g", p, d)
		}
	}
	// A millionth of a degree (11 cm) must not round to nothing: the
	// arccos form would answer 0 or several centimetres off here.
	a := geo.Point{Lat: 31.2304, Lng: 121.4737}
	b := geo.Point{Lat: 31.2304 + 1e-6, Lng: 121.4737}
	want := geo.EarthRadiusMetres * 1e-6 * math.Pi / 180
	if got := geo.Distance(a, b); math.Abs(got-want) > 1e-6 {
		t.Errorf("a millionth of a degree: %.9f m, want %.9f", got, want)
	}
}

func TestDistanceOfAntipodesIsHalfTheCircumference(t *testing.T) {
	half := math.Pi * geo.EarthRadiusMetres
	for _, p := range []geo.Point{{}, {Lat: 31.2304, Lng: 121.4737}, {Lat: -33.8688, Lng: 151.2093}, {Lat: 89.9, Lng: -179}} {
		anti := geo.Point{Lat: -p.Lat, Lng: p.Lng - 180}
		// The haversine is ill-conditioned here: h ≈ 1 carries a rounding
		// error of about 1e-16, which moves the angle by up to about 3e-8
		// rad, decimetres of arc. Half a metre in 20 000 km is 2.5e-8.
		if got := geo.Distance(p, anti); math.Abs(got-half) > 0.5 {
			t.Errorf("Distance(%v, antipode) = %.9f, want π·R = %.9f", p, got, half)
		}
	}
}

// Against the vector formula everywhere, from centimetres to antipodes,
// and exactly symmetric: search and brute force must agree to the bit
// whichever way round a caller passes the points.
func TestDistanceAgreesWithVectorFormulaAndIsSymmetric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	randomPoint := func() geo.Point { return geo.Point{Lat: r.Float64()*180 - 90, Lng: r.Float64()*360 - 180} }
	for i := range 30_000 {
		a := randomPoint()
		var b geo.Point
		var tol float64 // metres
		switch i % 3 {
		case 0: // anywhere
			b, tol = randomPoint(), 1e-4
		case 1: // within a city: centimetres to a kilometre
			scale := math.Pow(10, -7+5*r.Float64()) // 1e-7° .. 1e-2°
			b = geo.Point{Lat: clamp(a.Lat+scale*(r.Float64()*2-1), 90), Lng: a.Lng + scale*(r.Float64()*2-1)}
			tol = 1e-6
		default: // nearly antipodal, where the haversine is weakest
			b = geo.Point{Lat: -a.Lat + 1e-3*(r.Float64()*2-1), Lng: a.Lng + 180 + 1e-3*(r.Float64()*2-1)}
			tol = 0.5
		}
		got, want := geo.Distance(a, b), vectorDistance(a, b)
		if math.Abs(got-want) > tol {
			t.Fatalf("Distance(%v, %v) = %.9f, vector formula %.9f", a, b, got, want)
		}
		if back := geo.Distance(b, a); back != got {
			t.Fatalf("asymmetric: %v→%v %.17g, back %.17g", a, b, got, back)
		}
	}
}

func clamp(v, limit float64) float64 { return max(-limit, min(limit, v)) }
