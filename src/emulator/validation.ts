/**
 * Checks of values Graph validates but JSON types cannot express: CIDR ranges, ISO 3166 country
 * codes, GUIDs.
 */
import { isIP } from 'node:net';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `a.b.c.d/n` with n in 0..32, dotted decimal without leading zeros; host bits are not checked. */
export function isIPv4Cidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (m === null || m[1] === undefined || m[2] === undefined) return false;
  return isIP(m[1]) === 4 && /^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/.test(m[1]) && Number(m[2]) <= 32;
}

export function isIPv6Cidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (m === null || m[1] === undefined || m[2] === undefined) return false;
  return isIP(m[1]) === 6 && Number(m[2]) <= 128;
}

// ISO 3166-1 alpha-2, officially assigned codes (249), plus XK (Kosovo), which Entra accepts.
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'
  ).split(' '),
);

export function isCountryCode(s: string): boolean {
  return COUNTRIES.has(s);
}
