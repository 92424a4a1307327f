// OIDs of built-in PostgreSQL types (fixed in pg_type.dat; identical on every server version).

export const BOOL = 16;
export const BYTEA = 17;
export const CHAR = 18;
export const NAME = 19;
export const INT8 = 20;
export const INT2 = 21;
export const INT2VECTOR = 22;
export const INT4 = 23;
export const REGPROC = 24;
export const TEXT = 25;
export const OID = 26;
export const TID = 27;
export const XID = 28;
export const CID = 29;
export const OIDVECTOR = 30;
export const JSON = 114;
export const XML = 142;
export const POINT = 600;
export const CIDR = 650;
export const FLOAT4 = 700;
export const FLOAT8 = 701;
export const UNKNOWN = 705;
export const MONEY = 790;
export const MACADDR = 829;
export const INET = 869;
export const BPCHAR = 1042;
export const VARCHAR = 1043;
export const DATE = 1082;
export const TIME = 1083;
export const TIMESTAMP = 1114;
export const TIMESTAMPTZ = 1184;
export const INTERVAL = 1186;
export const TIMETZ = 1266;
export const BIT = 1560;
export const VARBIT = 1562;
export const NUMERIC = 1700;
export const REGCLASS = 2205;
export const REGTYPE = 2206;
export const RECORD = 2249;
export const RECORD_ARRAY = 2287;
export const VOID = 2278;
export const UUID = 2950;
export const PG_LSN = 3220;
export const TSVECTOR = 3614;
export const JSONB = 3802;
export const JSONPATH = 4072;
export const REGNAMESPACE = 4089;
export const REGROLE = 4096;
export const XID8 = 5069;

// ---- More scalars (network, geometric, reg*, text search, snapshots) ----
export const LSEG = 601;
export const PATH = 602;
export const BOX = 603;
export const POLYGON = 604;
export const LINE = 628;
export const CIRCLE = 718;
export const MACADDR8 = 774;
export const REGPROCEDURE = 2202;
export const REGOPER = 2203;
export const REGOPERATOR = 2204;
export const TXID_SNAPSHOT = 2970;
export const TSQUERY = 3615;
export const REGCONFIG = 3734;
export const REGDICTIONARY = 3769;
export const REGCOLLATION = 4191;
export const PG_SNAPSHOT = 5038;
// ---- end of more scalars ----

// Array types of the scalars above.
export const BOOL_ARRAY = 1000;
export const BYTEA_ARRAY = 1001;
export const CHAR_ARRAY = 1002;
export const NAME_ARRAY = 1003;
export const INT2_ARRAY = 1005;
export const INT4_ARRAY = 1007;
export const TEXT_ARRAY = 1009;
export const BPCHAR_ARRAY = 1014;
export const VARCHAR_ARRAY = 1015;
export const INT8_ARRAY = 1016;
export const FLOAT4_ARRAY = 1021;
export const FLOAT8_ARRAY = 1022;
export const OID_ARRAY = 1028;
export const TIMESTAMP_ARRAY = 1115;
export const DATE_ARRAY = 1182;
export const TIME_ARRAY = 1183;
export const TIMESTAMPTZ_ARRAY = 1185;
export const INTERVAL_ARRAY = 1187;
export const NUMERIC_ARRAY = 1231;
export const TIMETZ_ARRAY = 1270;
export const UUID_ARRAY = 2951;
export const JSON_ARRAY = 199;
export const JSONB_ARRAY = 3807;

// ---- Containers (src/codec/types/containers/): ranges, multiranges and the array table ----

export const INT4RANGE = 3904;
export const NUMRANGE = 3906;
export const TSRANGE = 3908;
export const TSTZRANGE = 3910;
export const DATERANGE = 3912;
export const INT8RANGE = 3926;
export const INT4MULTIRANGE = 4451;
export const NUMMULTIRANGE = 4532;
export const TSMULTIRANGE = 4533;
export const TSTZMULTIRANGE = 4534;
export const DATEMULTIRANGE = 4535;
export const INT8MULTIRANGE = 4536;

/**
 * Element type OID → array type OID of every built-in array type (pg_type rows with typcategory
 * 'A' and a non-composite element; int2vector and oidvector, also in that category, are scalars
 * here). An array gets a codec when its element type has one.
 */
export const ARRAY_TYPE_OF: ReadonlyMap<number, number> = new Map([
  [16, 1000], [17, 1001], [18, 1002], [19, 1003], [20, 1016], [21, 1005], [22, 1006], [23, 1007], // bool bytea char name int8 int2 int2vector int4
  [24, 1008], [25, 1009], [26, 1028], [27, 1010], [28, 1011], [29, 1012], [30, 1013], // regproc text oid tid xid cid oidvector
  [114, 199], [142, 143], [600, 1017], [601, 1018], [602, 1019], [603, 1020], [604, 1027], [628, 629], // json xml point lseg path box polygon line
  [650, 651], [700, 1021], [701, 1022], [718, 719], [774, 775], [790, 791], [829, 1040], [869, 1041], // cidr float4 float8 circle macaddr8 money macaddr inet
  [1033, 1034], [1042, 1014], [1043, 1015], [1082, 1182], [1083, 1183], [1114, 1115], [1184, 1185], // aclitem bpchar varchar date time timestamp timestamptz
  [1186, 1187], [1266, 1270], [1560, 1561], [1562, 1563], [1700, 1231], [1790, 2201], // interval timetz bit varbit numeric refcursor
  [2202, 2207], [2203, 2208], [2204, 2209], [2205, 2210], [2206, 2211], [2275, 1263], // regprocedure regoper regoperator regclass regtype cstring
  [2950, 2951], [2970, 2949], [3220, 3221], [3614, 3643], [3615, 3645], [3642, 3644], [3734, 3735], [3769, 3770], // uuid txid_snapshot pg_lsn tsvector tsquery gtsvector regconfig regdictionary
  [3802, 3807], [4072, 4073], [4089, 4090], [4096, 4097], [4191, 4192], [5038, 5039], [5069, 271], // jsonb jsonpath regnamespace regrole regcollation pg_snapshot xid8
  [INT4RANGE, 3905], [NUMRANGE, 3907], [TSRANGE, 3909], [TSTZRANGE, 3911], [DATERANGE, 3913], [INT8RANGE, 3927],
  [INT4MULTIRANGE, 6150], [NUMMULTIRANGE, 6151], [TSMULTIRANGE, 6152], [TSTZMULTIRANGE, 6153], [DATEMULTIRANGE, 6155], [INT8MULTIRANGE, 6157],
]);
