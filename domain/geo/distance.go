package geo

import "math"

// EarthRadiusMetres is the IUGG mean radius, (2a+b)/3 of WGS-84. On a
// sphere of this radius great-circle distances are within about 0.5 % of
// the ellipsoid's anywhere, and far closer across a city, which is all
// the "15-minute service circle" needs. Every distance kincare compares
// with a radius is measured with this one value, so search, brute force
// and tests agree to the last bit.
const EarthRadiusMetres = 6_371_008.8

const radiansPerDegree = math.Pi / 180

// Distance is the great-circle distance between a and b in metres, by the
// haversine formula. It keeps full precision for points centimetres apart,
// where the law of cosines loses half its digits; near the antipode it is
// the haversine's turn (about 0.2 m off at 20 000 km), a distance no
// search comes near. h is clamped because rounding can push it a hair
// outside [0, 1], where a square root would give NaN. It is exactly
// symmetric: swapping a and b only flips the sign of terms that are
// squared, so a search and a brute-force scan agree to the bit whichever
// way round they pass the points.
func Distance(a, b Point) float64 {
	sinHalfLat := math.Sin((b.Lat - a.Lat) * radiansPerDegree / 2)
	sinHalfLng := math.Sin((b.Lng - a.Lng) * radiansPerDegree / 2)
	h := sinHalfLat*sinHalfLat +
		math.Cos(a.Lat*radiansPerDegree)*math.Cos(b.Lat*radiansPerDegree)*sinHalfLng*sinHalfLng
	h = min(max(h, 0), 1)
	return 2 * EarthRadiusMetres * math.Atan2(math.Sqrt(h), math.Sqrt(1-h))
}
