/**
 * The fixed raw material of the demo data set: places, people and products that look like a
 * mid-sized German online retailer selling apparel, home goods, electronics accessories,
 * outdoor gear, books and food through a web shop, a marketplace and one store.
 */

export interface DemoLocation {
  code: string
  name: string
  type: 'warehouse' | 'store'
  priority: number
  address: { company: string; line1: string; postalCode: string; city: string; country: string; phone: string }
  latitude: number
  longitude: number
  /** Zones with the number of aisles and levels per aisle; bins are `<zone>-<aisle>-<level>`. */
  zones: { zone: string; prefix: string; aisles: number; levels: number }[]
}

export const LOCATIONS: DemoLocation[] = [
  {
    code: 'BER',
    name: 'Berlin Fulfilment Centre',
    type: 'warehouse',
    priority: 10,
    address: { company: 'Ordo Demo GmbH', line1: 'Am Juliusturm 54', postalCode: '13599', city: 'Berlin', country: 'DE', phone: '+49 30 5557 2100' },
    latitude: 52.5373,
    longitude: 13.2405,
    zones: [
      { zone: 'A', prefix: 'A', aisles: 5, levels: 4 },
      { zone: 'B', prefix: 'B', aisles: 3, levels: 4 },
      { zone: 'C', prefix: 'C', aisles: 2, levels: 4 },
    ],
  },
  {
    code: 'HAM',
    name: 'Hamburg Port Warehouse',
    type: 'warehouse',
    priority: 20,
    address: { company: 'Ordo Demo GmbH', line1: 'Hermann-Blohm-Straße 3', postalCode: '20457', city: 'Hamburg', country: 'DE', phone: '+49 40 5558 4300' },
    latitude: 53.5369,
    longitude: 9.9617,
    zones: [
      { zone: 'A', prefix: 'A', aisles: 6, levels: 4 },
      { zone: 'B', prefix: 'B', aisles: 4, levels: 4 },
    ],
  },
  {
    code: 'MUC',
    name: 'Munich South Warehouse',
    type: 'warehouse',
    priority: 30,
    address: { company: 'Ordo Demo GmbH', line1: 'Hofmannstraße 51', postalCode: '81379', city: 'München', country: 'DE', phone: '+49 89 5554 7800' },
    latitude: 48.0963,
    longitude: 11.5345,
    zones: [
      { zone: 'A', prefix: 'A', aisles: 4, levels: 5 },
      { zone: 'B', prefix: 'B', aisles: 3, levels: 4 },
      { zone: 'C', prefix: 'C', aisles: 2, levels: 4 },
    ],
  },
  {
    code: 'CGN-STORE',
    name: 'Cologne Store Ehrenstraße',
    type: 'store',
    priority: 50,
    address: { company: 'Ordo Demo Store Köln', line1: 'Ehrenstraße 45', postalCode: '50672', city: 'Köln', country: 'DE', phone: '+49 221 5553 9000' },
    latitude: 50.9395,
    longitude: 6.942,
    zones: [
      { zone: 'FLOOR', prefix: 'F', aisles: 4, levels: 4 },
      { zone: 'BACK', prefix: 'S', aisles: 3, levels: 4 },
    ],
  },
]

export const CHANNELS = [
  { code: 'web', name: 'Web shop', type: 'web' as const },
  { code: 'marketplace', name: 'Marketplace', type: 'marketplace' as const },
  { code: 'pos', name: 'Point of sale (Cologne store)', type: 'pos' as const },
]

export interface City {
  city: string
  postalCode: string
  country: string
  region?: string
  latitude: number
  longitude: number
}

/** German cities with a real postal code of their centre and its coordinates. */
export const GERMAN_CITIES: City[] = [
  { city: 'Berlin', postalCode: '10115', country: 'DE', latitude: 52.532, longitude: 13.384 },
  { city: 'Berlin', postalCode: '10997', country: 'DE', latitude: 52.5, longitude: 13.435 },
  { city: 'Berlin', postalCode: '12043', country: 'DE', latitude: 52.481, longitude: 13.435 },
  { city: 'Hamburg', postalCode: '20095', country: 'DE', latitude: 53.551, longitude: 10.0 },
  { city: 'Hamburg', postalCode: '22765', country: 'DE', latitude: 53.555, longitude: 9.935 },
  { city: 'München', postalCode: '80331', country: 'DE', latitude: 48.137, longitude: 11.575 },
  { city: 'München', postalCode: '80797', country: 'DE', latitude: 48.163, longitude: 11.569 },
  { city: 'Köln', postalCode: '50667', country: 'DE', latitude: 50.938, longitude: 6.957 },
  { city: 'Köln', postalCode: '50823', country: 'DE', latitude: 50.951, longitude: 6.92 },
  { city: 'Frankfurt am Main', postalCode: '60311', country: 'DE', latitude: 50.11, longitude: 8.682 },
  { city: 'Stuttgart', postalCode: '70173', country: 'DE', latitude: 48.778, longitude: 9.18 },
  { city: 'Düsseldorf', postalCode: '40213', country: 'DE', latitude: 51.225, longitude: 6.775 },
  { city: 'Leipzig', postalCode: '04109', country: 'DE', latitude: 51.34, longitude: 12.374 },
  { city: 'Dortmund', postalCode: '44135', country: 'DE', latitude: 51.514, longitude: 7.465 },
  { city: 'Essen', postalCode: '45127', country: 'DE', latitude: 51.456, longitude: 7.012 },
  { city: 'Bremen', postalCode: '28195', country: 'DE', latitude: 53.076, longitude: 8.807 },
  { city: 'Dresden', postalCode: '01067', country: 'DE', latitude: 51.053, longitude: 13.738 },
  { city: 'Hannover', postalCode: '30159', country: 'DE', latitude: 52.374, longitude: 9.738 },
  { city: 'Nürnberg', postalCode: '90402', country: 'DE', latitude: 49.452, longitude: 11.077 },
  { city: 'Bochum', postalCode: '44787', country: 'DE', latitude: 51.481, longitude: 7.216 },
  { city: 'Bielefeld', postalCode: '33602', country: 'DE', latitude: 52.021, longitude: 8.532 },
  { city: 'Bonn', postalCode: '53111', country: 'DE', latitude: 50.737, longitude: 7.098 },
  { city: 'Münster', postalCode: '48143', country: 'DE', latitude: 51.962, longitude: 7.626 },
  { city: 'Mannheim', postalCode: '68159', country: 'DE', latitude: 49.487, longitude: 8.466 },
  { city: 'Karlsruhe', postalCode: '76133', country: 'DE', latitude: 49.009, longitude: 8.404 },
  { city: 'Augsburg', postalCode: '86150', country: 'DE', latitude: 48.366, longitude: 10.898 },
  { city: 'Wiesbaden', postalCode: '65183', country: 'DE', latitude: 50.082, longitude: 8.24 },
  { city: 'Freiburg im Breisgau', postalCode: '79098', country: 'DE', latitude: 47.995, longitude: 7.85 },
  { city: 'Kiel', postalCode: '24103', country: 'DE', latitude: 54.323, longitude: 10.135 },
  { city: 'Rostock', postalCode: '18055', country: 'DE', latitude: 54.089, longitude: 12.14 },
  { city: 'Potsdam', postalCode: '14467', country: 'DE', latitude: 52.396, longitude: 13.058 },
  { city: 'Mainz', postalCode: '55116', country: 'DE', latitude: 49.999, longitude: 8.273 },
  { city: 'Heidelberg', postalCode: '69117', country: 'DE', latitude: 49.41, longitude: 8.694 },
  { city: 'Regensburg', postalCode: '93047', country: 'DE', latitude: 49.019, longitude: 12.097 },
  { city: 'Lübeck', postalCode: '23552', country: 'DE', latitude: 53.866, longitude: 10.686 },
  { city: 'Erfurt', postalCode: '99084', country: 'DE', latitude: 50.978, longitude: 11.029 },
  { city: 'Göttingen', postalCode: '37073', country: 'DE', latitude: 51.533, longitude: 9.935 },
  { city: 'Würzburg', postalCode: '97070', country: 'DE', latitude: 49.794, longitude: 9.929 },
  { city: 'Ulm', postalCode: '89073', country: 'DE', latitude: 48.398, longitude: 9.991 },
  { city: 'Aachen', postalCode: '52062', country: 'DE', latitude: 50.776, longitude: 6.084 },
  { city: 'Kassel', postalCode: '34117', country: 'DE', latitude: 51.318, longitude: 9.497 },
  { city: 'Magdeburg', postalCode: '39104', country: 'DE', latitude: 52.127, longitude: 11.629 },
  { city: 'Saarbrücken', postalCode: '66111', country: 'DE', latitude: 49.234, longitude: 6.996 },
]

export const GERMAN_STREETS = [
  'Hauptstraße', 'Bahnhofstraße', 'Gartenstraße', 'Schillerstraße', 'Goethestraße', 'Lindenstraße', 'Bergstraße', 'Kirchstraße',
  'Friedrichstraße', 'Mozartstraße', 'Rosenweg', 'Birkenweg', 'Kastanienallee', 'Wilhelmstraße', 'Ringstraße', 'Am Markt',
  'Parkstraße', 'Blumenstraße', 'Schulstraße', 'Waldstraße', 'Beethovenstraße', 'Uhlandstraße', 'Marienplatz', 'Feldstraße',
]

export const GERMAN_FIRST_NAMES = [
  'Anna', 'Lukas', 'Sophie', 'Jonas', 'Marie', 'Leon', 'Lena', 'Felix', 'Laura', 'Paul', 'Julia', 'Maximilian', 'Hannah', 'Tim',
  'Lea', 'Niklas', 'Sarah', 'Jan', 'Katharina', 'Moritz', 'Johanna', 'David', 'Emilia', 'Tobias', 'Clara', 'Florian', 'Mia',
  'Sebastian', 'Charlotte', 'Philipp', 'Ida', 'Fabian', 'Greta', 'Stefan', 'Nora', 'Matthias', 'Jana', 'Thomas', 'Elif', 'Can',
]

export const GERMAN_LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch',
  'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann',
  'Lange', 'Schmitt', 'Werner', 'Krause', 'Meier', 'Lehmann', 'Köhler', 'Herrmann', 'Walter', 'König', 'Mayer', 'Huber', 'Kaiser',
  'Fuchs', 'Peters', 'Yılmaz', 'Kaya', 'Nowak',
]

/** Customers abroad: name, address and a phone number that fit the country (postal codes in its format). */
export const FOREIGN_CUSTOMERS: { first: string; last: string; line1: string; city: City; phone: string }[] = [
  { first: 'Lukas', last: 'Gruber', line1: 'Neubaugasse 27', city: { city: 'Wien', postalCode: '1070', country: 'AT', latitude: 48.2016, longitude: 16.349 }, phone: '+43 1 5550 2718' },
  { first: 'Magdalena', last: 'Pichler', line1: 'Herrengasse 9', city: { city: 'Graz', postalCode: '8010', country: 'AT', latitude: 47.0707, longitude: 15.4395 }, phone: '+43 316 555 091' },
  { first: 'Florian', last: 'Steiner', line1: 'Linzer Gasse 41', city: { city: 'Salzburg', postalCode: '5020', country: 'AT', latitude: 47.8028, longitude: 13.0485 }, phone: '+43 662 555 413' },
  { first: 'Sanne', last: 'de Vries', line1: 'Prinsengracht 263', city: { city: 'Amsterdam', postalCode: '1016 GV', country: 'NL', latitude: 52.3752, longitude: 4.884 }, phone: '+31 20 555 0263' },
  { first: 'Daan', last: 'Jansen', line1: 'Oudegracht 158', city: { city: 'Utrecht', postalCode: '3511 AZ', country: 'NL', latitude: 52.0894, longitude: 5.1197 }, phone: '+31 30 555 0158' },
  { first: 'Camille', last: 'Martin', line1: '12 Rue Oberkampf', city: { city: 'Paris', postalCode: '75011', country: 'FR', latitude: 48.8647, longitude: 2.3733 }, phone: '+33 1 55 50 12 34' },
  { first: 'Hugo', last: 'Bernard', line1: '8 Rue de la République', city: { city: 'Lyon', postalCode: '69002', country: 'FR', latitude: 45.7606, longitude: 4.8357 }, phone: '+33 4 55 50 08 08' },
  { first: 'Oliver', last: 'Bennett', line1: '14 Borough High Street', city: { city: 'London', postalCode: 'SE1 9QQ', country: 'GB', latitude: 51.5033, longitude: -0.0911 }, phone: '+44 20 7946 0142' },
  { first: 'Isla', last: 'Campbell', line1: '22 Rose Street', city: { city: 'Edinburgh', postalCode: 'EH2 2PR', country: 'GB', latitude: 55.9525, longitude: -3.1988 }, phone: '+44 131 496 0022' },
  { first: 'Emily', last: 'Carter', line1: '245 W 17th St', city: { city: 'New York', postalCode: '10011', region: 'NY', country: 'US', latitude: 40.7405, longitude: -73.9987 }, phone: '+1 212 555 0147' },
  { first: 'Jacob', last: 'Nguyen', line1: '1420 5th Ave', city: { city: 'Seattle', postalCode: '98101', region: 'WA', country: 'US', latitude: 47.6109, longitude: -122.3357 }, phone: '+1 206 555 0193' },
]

export type TaxCodeName = 'standard' | 'reduced'

export interface BaseItem {
  code: string
  name: string
  /** Net unit price in euro cents. */
  price: number
  weightGrams: number
  /** Length, width, height in millimetres. */
  dims: [number, number, number]
  /** Variant labels (colour, size…) with an optional price/weight of their own; empty means a single product. */
  variants: { code: string; label: string; price?: number; weightGrams?: number }[]
  fragile?: boolean
  lotTracked?: boolean
  /** Months a lot keeps (lot-tracked food). */
  shelfLifeMonths?: number
  taxCode?: TaxCodeName
}

export interface Category {
  code: string
  name: string
  items: BaseItem[]
}

const v = (code: string, label: string, extra: { price?: number; weightGrams?: number } = {}) => ({ code, label, ...extra })
const colours = (...pairs: [string, string][]) => pairs.map(([code, label]) => v(code, label))

/** Apparel comes in two colours × sizes S/M/L; the colours are chosen per item from this palette. */
export const APPAREL_COLOURS: [string, string][] = [
  ['BLK', 'Black'],
  ['NAV', 'Navy'],
  ['OAT', 'Oatmeal'],
  ['OLV', 'Olive'],
  ['RST', 'Rust'],
  ['GRY', 'Grey Melange'],
  ['SND', 'Sand'],
  ['FOR', 'Forest'],
]
export const APPAREL_SIZES = ['S', 'M', 'L']

export const APPAREL: BaseItem[] = [
  { code: 'TEE', name: 'Organic Cotton T-Shirt', price: 1999, weightGrams: 180, dims: [300, 240, 20], variants: [] },
  { code: 'HNL', name: 'Waffle Knit Henley', price: 3499, weightGrams: 260, dims: [310, 250, 30], variants: [] },
  { code: 'HOO', name: 'Heavyweight Hoodie', price: 5999, weightGrams: 650, dims: [350, 280, 60], variants: [] },
  { code: 'CHN', name: 'Slim Fit Chinos', price: 5999, weightGrams: 500, dims: [340, 260, 40], variants: [] },
  { code: 'RJK', name: 'Packable Rain Jacket', price: 8999, weightGrams: 350, dims: [300, 220, 60], variants: [] },
  { code: 'MSW', name: 'Merino Crew Sweater', price: 7999, weightGrams: 320, dims: [320, 260, 40], variants: [] },
  { code: 'LSH', name: 'Linen Shirt', price: 4999, weightGrams: 230, dims: [310, 250, 30], variants: [] },
  { code: 'RSH', name: 'Running Shorts', price: 2999, weightGrams: 120, dims: [250, 200, 20], variants: [] },
  { code: 'FLV', name: 'Fleece Vest', price: 4499, weightGrams: 300, dims: [320, 260, 50], variants: [] },
  { code: 'DJK', name: 'Denim Jacket', price: 8999, weightGrams: 800, dims: [360, 290, 60], variants: [] },
]

export const CATEGORIES: Category[] = [
  {
    code: 'HM',
    name: 'Home & kitchen',
    items: [
      { code: 'MUG', name: 'Stoneware Mug 350 ml', price: 1490, weightGrams: 380, dims: [120, 90, 100], fragile: true, variants: colours(['SAG', 'Sage'], ['CRM', 'Cream']) },
      { code: 'PLT', name: 'Stoneware Dinner Plate 27 cm', price: 1290, weightGrams: 650, dims: [280, 280, 30], fragile: true, variants: colours(['SAG', 'Sage'], ['CRM', 'Cream']) },
      { code: 'WGL', name: 'Wine Glasses, Set of 4', price: 3490, weightGrams: 1100, dims: [260, 260, 250], fragile: true, variants: [v('BDX', 'Bordeaux'), v('BUR', 'Burgundy')] },
      { code: 'JAR', name: 'Glass Storage Jar', price: 990, weightGrams: 600, dims: [110, 110, 180], fragile: true, variants: [v('1L', '1 l'), v('15L', '1.5 l', { price: 1290, weightGrams: 800 })] },
      { code: 'SKL', name: 'Cast Iron Skillet', price: 3990, weightGrams: 2600, dims: [450, 260, 60], variants: [v('24', '24 cm'), v('28', '28 cm', { price: 4490, weightGrams: 3300 })] },
      { code: 'CTB', name: 'Bamboo Cutting Board', price: 2490, weightGrams: 900, dims: [400, 280, 20], variants: [v('M', 'Medium'), v('L', 'Large', { price: 2990, weightGrams: 1300 })] },
      { code: 'DUV', name: 'Linen Duvet Cover', price: 8990, weightGrams: 1400, dims: [400, 300, 80], variants: [v('135', '135 × 200 cm'), v('155', '155 × 220 cm', { price: 9990, weightGrams: 1700 })] },
      { code: 'TWL', name: 'Cotton Bath Towel', price: 1990, weightGrams: 600, dims: [350, 250, 80], variants: colours(['WHT', 'White'], ['SLT', 'Slate']) },
      { code: 'CND', name: 'Scented Soy Candle', price: 1890, weightGrams: 450, dims: [90, 90, 110], fragile: true, variants: colours(['CED', 'Cedar'], ['FIG', 'Fig']) },
      { code: 'THR', name: 'Wool Throw Blanket', price: 6990, weightGrams: 1200, dims: [400, 300, 100], variants: colours(['CHA', 'Charcoal'], ['MUS', 'Mustard']) },
      { code: 'FPR', name: 'French Press', price: 2990, weightGrams: 700, dims: [180, 120, 220], fragile: true, variants: [v('06', '0.6 l'), v('10', '1 l', { price: 3490, weightGrams: 900 })] },
      { code: 'KNF', name: 'Kitchen Knife', price: 5990, weightGrams: 300, dims: [350, 60, 30], variants: [v('CHF', "Chef's Knife 20 cm"), v('SAN', 'Santoku 18 cm', { price: 5490 })] },
      { code: 'DOV', name: 'Enamel Dutch Oven 24 cm', price: 8990, weightGrams: 4500, dims: [320, 260, 160], variants: colours(['RED', 'Red'], ['BLU', 'Blue']) },
      { code: 'LMP', name: 'Table Lamp', price: 7990, weightGrams: 1600, dims: [250, 250, 450], fragile: true, variants: colours(['BLK', 'Black'], ['BRS', 'Brass']) },
      { code: 'CSH', name: 'Cushion Cover 45 × 45 cm', price: 1490, weightGrams: 200, dims: [300, 250, 20], variants: colours(['RST', 'Rust'], ['OCH', 'Ochre']) },
      { code: 'BSK', name: 'Seagrass Storage Basket', price: 2490, weightGrams: 700, dims: [350, 350, 300], variants: [v('M', 'Medium'), v('L', 'Large', { price: 3290, weightGrams: 950 })] },
      { code: 'BWL', name: 'Acacia Salad Bowl', price: 2990, weightGrams: 900, dims: [280, 280, 110], variants: [v('S', 'Small', { price: 2490, weightGrams: 600 }), v('L', 'Large')] },
      { code: 'SCL', name: 'Digital Kitchen Scale', price: 2490, weightGrams: 800, dims: [220, 180, 40], variants: colours(['WHT', 'White'], ['BLK', 'Black']) },
      { code: 'MAT', name: 'Coir Doormat', price: 2290, weightGrams: 1800, dims: [600, 400, 25], variants: colours(['NAT', 'Natural'], ['GRY', 'Grey']) },
      { code: 'FRM', name: 'Oak Picture Frame', price: 1990, weightGrams: 900, dims: [420, 320, 30], fragile: true, variants: [v('3040', '30 × 40 cm'), v('4050', '40 × 50 cm', { price: 2490, weightGrams: 1200 })] },
      { code: 'VAS', name: 'Hand-blown Glass Vase', price: 2490, weightGrams: 850, dims: [150, 150, 300], fragile: true, variants: [v('TAL', 'Tall', { price: 2990 }), v('SHT', 'Short')] },
      { code: 'TTW', name: 'Tea Towels, Set of 3', price: 1290, weightGrams: 250, dims: [250, 200, 30], variants: [v('STR', 'Stripe'), v('CHK', 'Check')] },
    ],
  },
  {
    code: 'EL',
    name: 'Electronics accessories',
    items: [
      { code: 'CCC', name: 'USB-C to USB-C Cable', price: 1299, weightGrams: 40, dims: [150, 100, 20], variants: [v('1M', '1 m'), v('2M', '2 m', { price: 1499, weightGrams: 60 })] },
      { code: 'CCL', name: 'USB-C to Lightning Cable', price: 1799, weightGrams: 40, dims: [150, 100, 20], variants: [v('1M', '1 m'), v('2M', '2 m', { price: 1999, weightGrams: 60 })] },
      { code: 'G65', name: '65 W USB-C GaN Charger', price: 3999, weightGrams: 120, dims: [90, 70, 40], variants: colours(['WHT', 'White'], ['BLK', 'Black']) },
      { code: 'C20', name: '20 W USB-C Charger', price: 1999, weightGrams: 60, dims: [80, 60, 35], variants: colours(['WHT', 'White'], ['BLK', 'Black']) },
      { code: 'PWB', name: 'Power Bank 10000 mAh', price: 2999, weightGrams: 220, dims: [120, 80, 30], variants: colours(['BLK', 'Black'], ['WHT', 'White']) },
      { code: 'WCP', name: 'Wireless Charging Pad 15 W', price: 2499, weightGrams: 150, dims: [110, 110, 30], variants: colours(['BLK', 'Black'], ['WHT', 'White']) },
      { code: 'EBD', name: 'True Wireless Earbuds', price: 7999, weightGrams: 110, dims: [110, 90, 45], variants: colours(['BLK', 'Black'], ['WHT', 'White']) },
      { code: 'HPH', name: 'Over-Ear Headphones with ANC', price: 14999, weightGrams: 480, dims: [230, 200, 100], variants: colours(['BLK', 'Black'], ['SLV', 'Silver']) },
      { code: 'SPK', name: 'Bluetooth Speaker Mini', price: 4999, weightGrams: 350, dims: [120, 120, 80], variants: colours(['BLK', 'Black'], ['BLU', 'Blue']) },
      { code: 'SLV', name: 'Felt Laptop Sleeve', price: 2999, weightGrams: 250, dims: [380, 280, 20], variants: [v('13', '13"'), v('15', '15"', { price: 3299, weightGrams: 300 })] },
      { code: 'CAS', name: 'Recycled Phone Case', price: 1999, weightGrams: 50, dims: [180, 100, 25], variants: [v('IP15', 'iPhone 15'), v('S24', 'Galaxy S24')] },
      { code: 'SCR', name: 'Tempered Glass Screen Protector', price: 999, weightGrams: 40, dims: [190, 110, 10], fragile: true, variants: [v('IP15', 'iPhone 15'), v('S24', 'Galaxy S24')] },
      { code: 'HDM', name: 'HDMI 2.1 Cable', price: 1499, weightGrams: 90, dims: [180, 120, 30], variants: [v('1M', '1 m'), v('2M', '2 m', { price: 1799, weightGrams: 130 })] },
      { code: 'HUB', name: 'USB-C Hub', price: 4999, weightGrams: 110, dims: [150, 80, 25], variants: [v('7IN1', '7-in-1'), v('4IN1', '4-in-1', { price: 2999, weightGrams: 70 })] },
      { code: 'MSE', name: 'Wireless Mouse', price: 2999, weightGrams: 100, dims: [150, 90, 50], variants: colours(['GRA', 'Graphite'], ['OFW', 'Off-White']) },
      { code: 'KBD', name: 'Mechanical Keyboard', price: 8999, weightGrams: 900, dims: [460, 160, 50], variants: [v('DE', 'German layout'), v('US', 'US layout')] },
      { code: 'CAM', name: 'USB Webcam', price: 4999, weightGrams: 160, dims: [150, 100, 70], variants: [v('FHD', '1080p'), v('4K', '4K', { price: 11999, weightGrams: 200 })] },
      { code: 'MSD', name: 'microSD Card', price: 1999, weightGrams: 10, dims: [100, 70, 10], variants: [v('128', '128 GB'), v('256', '256 GB', { price: 3499 })] },
      { code: 'PLG', name: 'Smart Plug', price: 1499, weightGrams: 90, dims: [90, 70, 70], variants: [v('1PK', 'single'), v('4PK', '4-pack', { price: 4999, weightGrams: 380 })] },
      { code: 'MNT', name: 'Car Phone Mount', price: 1999, weightGrams: 120, dims: [140, 100, 70], variants: [v('VNT', 'vent clip'), v('DSH', 'dashboard', { price: 2299 })] },
      { code: 'ORG', name: 'Cable Organiser Pouch', price: 999, weightGrams: 90, dims: [200, 130, 40], variants: [v('S', 'Small'), v('L', 'Large', { price: 1499, weightGrams: 140 })] },
      { code: 'STD', name: 'Aluminium Laptop Stand', price: 3999, weightGrams: 1100, dims: [280, 240, 60], variants: colours(['SLV', 'Silver'], ['SPG', 'Space Grey']) },
    ],
  },
  {
    code: 'OD',
    name: 'Outdoor',
    items: [
      { code: 'BTL', name: 'Insulated Water Bottle', price: 2490, weightGrams: 350, dims: [80, 80, 260], variants: [v('05', '500 ml'), v('075', '750 ml', { price: 2990, weightGrams: 420 })] },
      { code: 'TPL', name: 'Carbon Trekking Poles, pair', price: 5990, weightGrams: 450, dims: [680, 120, 60], variants: [v('S', '100–120 cm'), v('L', '110–135 cm')] },
      { code: 'HLP', name: 'LED Headlamp 350 lm', price: 2990, weightGrams: 110, dims: [120, 90, 60], variants: colours(['BLK', 'Black'], ['ORA', 'Orange']) },
      { code: 'DPK', name: 'Daypack 22 l', price: 6990, weightGrams: 750, dims: [480, 300, 120], variants: colours(['BLK', 'Black'], ['OLV', 'Olive']) },
      { code: 'HBP', name: 'Hiking Backpack 45 l', price: 12990, weightGrams: 1600, dims: [650, 350, 200], variants: colours(['GRY', 'Grey'], ['BLU', 'Blue']) },
      { code: 'SBG', name: 'Down Sleeping Bag', price: 8990, weightGrams: 1100, dims: [400, 250, 250], variants: [v('0C', 'comfort 0 °C'), v('M5C', 'comfort −5 °C', { price: 11990, weightGrams: 1400 })] },
      { code: 'SMT', name: 'Self-Inflating Sleeping Mat', price: 5990, weightGrams: 1200, dims: [650, 180, 180], variants: [v('R', 'Regular'), v('L', 'Large', { price: 6990, weightGrams: 1500 })] },
      { code: 'TNT', name: 'Lightweight Dome Tent', price: 14990, weightGrams: 2400, dims: [550, 180, 180], variants: [v('2P', '2 person'), v('3P', '3 person', { price: 19990, weightGrams: 3100 })] },
      { code: 'STV', name: 'Compact Camping Stove', price: 3990, weightGrams: 300, dims: [160, 120, 100], variants: [v('SGL', 'stove only'), v('SET', 'with pot set', { price: 6490, weightGrams: 750 })] },
      { code: 'TMG', name: 'Titanium Camping Mug', price: 2490, weightGrams: 90, dims: [100, 100, 110], variants: [v('450', '450 ml'), v('600', '600 ml', { price: 2790, weightGrams: 110 })] },
      { code: 'CHR', name: 'Folding Camp Chair', price: 3990, weightGrams: 1300, dims: [400, 150, 150], variants: colours(['GRN', 'Green'], ['GRY', 'Grey']) },
      { code: 'PON', name: 'Rain Poncho', price: 2490, weightGrams: 300, dims: [250, 200, 60], variants: colours(['OLV', 'Olive'], ['YLW', 'Yellow']) },
      { code: 'BLT', name: 'Bike Light Set', price: 2990, weightGrams: 180, dims: [160, 120, 60], variants: [v('USB', 'USB rechargeable'), v('DYN', 'for hub dynamo', { price: 3990 })] },
      { code: 'LCK', name: 'Bike Lock', price: 3990, weightGrams: 1200, dims: [300, 180, 60], variants: [v('U', 'U-lock'), v('CHN', 'folding chain lock', { price: 4990, weightGrams: 1100 })] },
      { code: 'GLV', name: 'Cycling Gloves', price: 1990, weightGrams: 90, dims: [200, 120, 30], variants: [v('M', 'size M'), v('L', 'size L')] },
      { code: 'CMP', name: 'Baseplate Compass', price: 1990, weightGrams: 50, dims: [140, 80, 20], variants: [v('STD', 'standard'), v('MIR', 'with mirror', { price: 3490 })] },
      { code: 'FAK', name: 'First Aid Kit', price: 1990, weightGrams: 250, dims: [180, 120, 60], variants: [v('CMP', 'Compact'), v('FAM', 'Family', { price: 3490, weightGrams: 500 })] },
      { code: 'HMK', name: 'Parachute Hammock', price: 3990, weightGrams: 500, dims: [200, 150, 100], variants: [v('SGL', 'single'), v('DBL', 'double', { price: 4990, weightGrams: 650 })] },
      { code: 'COL', name: 'Cooler Box', price: 4990, weightGrams: 2800, dims: [450, 300, 350], variants: [v('24', '24 l'), v('32', '32 l', { price: 5990, weightGrams: 3400 })] },
      { code: 'BIN', name: 'Roof Prism Binoculars', price: 12990, weightGrams: 700, dims: [180, 150, 70], fragile: true, variants: [v('842', '8 × 42'), v('1042', '10 × 42', { price: 13990 })] },
    ],
  },
  {
    code: 'BK',
    name: 'Books',
    items: [
      ['KAF1', 'Franz Kafka: Die Verwandlung (paperback)', 599],
      ['KAF2', 'Franz Kafka: Der Process (paperback)', 899],
      ['FON1', 'Theodor Fontane: Effi Briest (paperback)', 799],
      ['GOE1', 'Johann Wolfgang von Goethe: Faust. Der Tragödie erster Teil', 499],
      ['GOE2', 'Johann Wolfgang von Goethe: Die Leiden des jungen Werthers', 499],
      ['SCH1', 'Friedrich Schiller: Die Räuber', 399],
      ['BUE1', 'Georg Büchner: Woyzeck', 399],
      ['MAN1', 'Thomas Mann: Buddenbrooks (hardcover)', 2800],
      ['HEI1', 'Heinrich Heine: Deutschland. Ein Wintermärchen', 499],
      ['LES1', 'Gotthold Ephraim Lessing: Nathan der Weise', 449],
      ['AUS1', 'Jane Austen: Pride and Prejudice (paperback)', 899],
      ['SHL1', 'Mary Shelley: Frankenstein (paperback)', 799],
      ['MEL1', 'Herman Melville: Moby-Dick (paperback)', 1299],
      ['STK1', 'Bram Stoker: Dracula (paperback)', 999],
      ['DOY1', 'Arthur Conan Doyle: The Adventures of Sherlock Holmes', 1099],
      ['CKB1', 'Brot backen: Sauerteig für jeden Tag', 2600],
      ['CKB2', 'Die neue Gemüseküche', 2999],
      ['CKB3', 'One Pot: 100 Rezepte aus einem Topf', 2200],
      ['CKB4', 'Kaffee: Bohnen, Röstung, Zubereitung', 3400],
      ['TRV1', 'Wandern in den Alpen: 50 Hüttentouren', 2490],
      ['TRV2', 'Radfernwege in Deutschland', 1990],
      ['TRV3', 'Camping in Skandinavien', 2490],
      ['TRV4', 'Städtereisen Ostsee', 1690],
      ['KID1', 'Das kleine Wimmelbuch vom Bauernhof', 1499],
      ['KID2', 'Gute Nacht, kleiner Fuchs', 1299],
      ['KID3', 'Mein erstes Sternenbuch', 1699],
      ['NON1', 'Ordnung im Lager: Eine kurze Geschichte der Logistik', 2400],
      ['NON2', 'Das Handwerk des Reparierens', 2200],
      ['NON3', 'Gärtnern auf dem Balkon', 1800],
      ['NON4', 'Der Wald: Eine Entdeckungsreise', 2000],
    ].map(([code, name, price]) => ({
      code: code as string,
      name: name as string,
      price: price as number,
      weightGrams: (price as number) > 2000 ? 850 : 250,
      dims: ((price as number) > 2000 ? [240, 170, 30] : [190, 120, 20]) as [number, number, number],
      variants: [],
      taxCode: 'reduced' as const,
    })),
  },
  {
    code: 'FD',
    name: 'Food & drink',
    items: [
      { code: 'CFE', name: 'Organic Espresso Beans 1 kg', price: 2490, weightGrams: 1030, dims: [250, 130, 80], lotTracked: true, shelfLifeMonths: 12, taxCode: 'reduced', variants: [] },
      { code: 'CFF', name: 'Organic Filter Coffee Beans 500 g', price: 1290, weightGrams: 520, dims: [200, 110, 70], lotTracked: true, shelfLifeMonths: 12, taxCode: 'reduced', variants: [] },
      { code: 'CFD', name: 'Ground Decaf Coffee 250 g', price: 790, weightGrams: 260, dims: [160, 90, 60], lotTracked: true, shelfLifeMonths: 9, taxCode: 'reduced', variants: [] },
      { code: 'TDJ', name: 'Darjeeling First Flush 100 g', price: 1190, weightGrams: 130, dims: [120, 80, 80], taxCode: 'reduced', variants: [] },
      { code: 'TSN', name: 'Green Tea Sencha 100 g', price: 890, weightGrams: 130, dims: [120, 80, 80], taxCode: 'reduced', variants: [] },
      { code: 'TRB', name: 'Rooibos Vanilla 100 g', price: 690, weightGrams: 130, dims: [120, 80, 80], taxCode: 'reduced', variants: [] },
      { code: 'CHD', name: 'Dark Chocolate 70 % 100 g', price: 349, weightGrams: 110, dims: [160, 80, 12], lotTracked: true, shelfLifeMonths: 10, taxCode: 'reduced', variants: [] },
      { code: 'CHM', name: 'Milk Chocolate with Hazelnuts 100 g', price: 299, weightGrams: 110, dims: [160, 80, 15], lotTracked: true, shelfLifeMonths: 8, taxCode: 'reduced', variants: [] },
      { code: 'HNY', name: 'Wildflower Honey 500 g', price: 899, weightGrams: 720, dims: [90, 90, 120], lotTracked: true, shelfLifeMonths: 24, fragile: true, taxCode: 'reduced', variants: [] },
      { code: 'OIL', name: 'Extra Virgin Olive Oil 500 ml', price: 1290, weightGrams: 950, dims: [70, 70, 300], fragile: true, taxCode: 'reduced', variants: [] },
      { code: 'BAL', name: 'Balsamic Vinegar of Modena 250 ml', price: 990, weightGrams: 500, dims: [60, 60, 230], fragile: true, taxCode: 'reduced', variants: [] },
      { code: 'GRA', name: 'Crunchy Oat Granola 750 g', price: 699, weightGrams: 780, dims: [200, 70, 280], taxCode: 'reduced', variants: [] },
      { code: 'TMX', name: 'Trail Mix 200 g', price: 449, weightGrams: 210, dims: [150, 50, 200], taxCode: 'reduced', variants: [] },
      { code: 'NRG', name: 'Energy Bars, Box of 12 × 50 g', price: 2390, weightGrams: 650, dims: [200, 130, 60], lotTracked: true, shelfLifeMonths: 9, taxCode: 'reduced', variants: [] },
      { code: 'MNG', name: 'Dried Mango 200 g', price: 599, weightGrams: 210, dims: [150, 50, 200], taxCode: 'reduced', variants: [] },
      { code: 'SLT', name: 'Sea Salt Flakes 250 g', price: 590, weightGrams: 270, dims: [100, 100, 100], taxCode: 'reduced', variants: [] },
      { code: 'PST', name: 'Durum Wheat Trofie 500 g', price: 349, weightGrams: 510, dims: [180, 60, 250], taxCode: 'reduced', variants: [] },
      { code: 'PAS', name: 'Tomato Passata 700 g', price: 299, weightGrams: 1050, dims: [80, 80, 200], fragile: true, taxCode: 'reduced', variants: [] },
      { code: 'PNB', name: 'Crunchy Peanut Butter 350 g', price: 499, weightGrams: 560, dims: [80, 80, 110], fragile: true, taxCode: 'reduced', variants: [] },
      { code: 'MAT', name: 'Ceremonial Matcha 30 g', price: 1990, weightGrams: 80, dims: [80, 80, 90], lotTracked: true, shelfLifeMonths: 12, taxCode: 'reduced', variants: [] },
      { code: 'HCH', name: 'Hot Chocolate Powder 250 g', price: 690, weightGrams: 280, dims: [100, 100, 130], taxCode: 'reduced', variants: [] },
      { code: 'SPC', name: 'BBQ Spice Set, 4 × 40 g', price: 1490, weightGrams: 320, dims: [200, 60, 110], fragile: true, taxCode: 'reduced', variants: [] },
    ],
  },
]
