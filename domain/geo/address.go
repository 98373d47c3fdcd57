// Package geo holds places: coordinates and the structured addresses
// services are delivered to.
package geo

import (
	"regexp"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

// Point is a WGS-84 position.
type Point struct {
	Lat float64
	Lng float64
}

var (
	ErrPointInvalid   = fault.New(fault.Unprocessable, "coordinates_invalid")
	ErrAddressInvalid = fault.New(fault.Unprocessable, "address_invalid")

	// regionCode is a 6-digit administrative division code (GB/T 2260),
	// e.g. 310104 for Xuhui District, Shanghai.
	regionCode = regexp.MustCompile(`^[1-9][0-9]{5}$`)
)

// MaxServedLatitude is how far north or south kincare serves: the geo
// index (Redis GEO, Web Mercator) cannot hold points beyond it, and no
// one in China lives there.
const MaxServedLatitude = 85.05112878

// Served reports whether p can be indexed for nearby search.
func (p Point) Served() bool { return p.Lat >= -MaxServedLatitude && p.Lat <= MaxServedLatitude }

// NewPoint refuses positions off the globe.
func NewPoint(lat, lng float64) (Point, error) {
	var fields []fault.FieldError
	if !(lat >= -90 && lat <= 90) {
		fields = append(fields, fault.FieldError{Field: "lat", Code: "range"})
	}
	if !(lng >= -180 && lng <= 180) {
		fields = append(fields, fault.FieldError{Field: "lng", Code: "range"})
	}
	if len(fields) > 0 {
		return Point{}, ErrPointInvalid.WithFields(fields...)
	}
	return Point{Lat: lat, Lng: lng}, nil
}

// Address is where a caregiver goes: structured so providers can match
// regions, with a point so search can measure distance.
type Address struct {
	Province   string
	City       string
	District   string
	Street     string
	Detail     string // building, unit, room: 3号楼2单元401
	RegionCode string
	Location   Point
}

const maxAddressPart = 200

// NewAddress checks every part; prefix names the field in errors
// (e.g. "/address").
func NewAddress(prefix string, a Address) (Address, error) {
	var fields []fault.FieldError
	part := text.Rule{Max: maxAddressPart}
	fields = part.Check(fields, prefix+"/province", &a.Province)
	fields = part.Check(fields, prefix+"/city", &a.City)
	fields = part.Check(fields, prefix+"/district", &a.District)
	fields = part.Check(fields, prefix+"/street", &a.Street)
	fields = part.Check(fields, prefix+"/detail", &a.Detail)
	if a.City == "" {
		fields = append(fields, fault.FieldError{Field: prefix + "/city", Code: "required"})
	}
	if a.Street == "" && a.Detail == "" {
		fields = append(fields, fault.FieldError{Field: prefix + "/street", Code: "required"})
	}
	if !regionCode.MatchString(a.RegionCode) {
		fields = append(fields, fault.FieldError{Field: prefix + "/regionCode", Code: "pattern"})
	}
	if _, err := NewPoint(a.Location.Lat, a.Location.Lng); err != nil {
		fe, _ := fault.As(err)
		for _, f := range fe.Fields {
			fields = append(fields, fault.FieldError{Field: prefix + "/location/" + f.Field, Code: f.Code})
		}
	}
	if len(fields) > 0 {
		return Address{}, ErrAddressInvalid.WithFields(fields...)
	}
	return a, nil
}
