import type { SegmentLayout } from './records';

/**
 * SDATA layouts of the DELVRY segments Lading maps, by segment type (E1…), fields in definition
 * order with their lengths. Data, not code: add a segment here and the flat reader splits it.
 * Sources and confidence per segment: README.md in this folder.
 */
export const DELVRY_LAYOUTS: Readonly<Record<string, SegmentLayout>> = {
  // Delivery header. Confirmed up to POTIM; DELVRY05/07 append more fields after it (not read here).
  E1EDL20: {
    source: 'confirmed',
    fields: [
      ['VBELN', 10], ['VSTEL', 4], ['VKORG', 4], ['LSTEL', 2], ['VKBUR', 4], ['LGNUM', 3], ['ABLAD', 25],
      ['INCO1', 3], ['INCO2', 28], ['ROUTE', 6], ['VSBED', 2], ['BTGEW', 17], ['NTGEW', 15], ['GEWEI', 3],
      ['VOLUM', 15], ['VOLEH', 3], ['ANZPK', 5], ['BOLNR', 35], ['TRATY', 4], ['TRAID', 20], ['XABLN', 10],
      ['LIFEX', 35], ['PARID', 35], ['PODAT', 8], ['POTIM', 6],
    ],
  },
  E1EDL22: {
    source: 'confirmed',
    fields: [
      ['VSTEL_BEZ', 30], ['VKORG_BEZ', 20], ['LSTEL_BEZ', 20], ['VKBUR_BEZ', 20], ['LGNUM_BEZ', 25],
      ['INCO1_BEZ', 30], ['ROUTE_BEZ', 40], ['VSBED_BEZ', 20], ['TRATY_BEZ', 20],
    ],
  },
  E1EDL21: {
    source: 'confirmed',
    fields: [
      ['LFART', 4], ['BZIRK', 6], ['AUTLF', 1], ['EXPKZ', 1], ['LIFSK', 2], ['LPRIO', 2], ['KDGRP', 2],
      ['BEROT', 20], ['TRAGR', 4], ['TRSPG', 2], ['AULWE', 10],
    ],
  },
  E1EDL18: { source: 'confirmed', fields: [['QUALF', 3], ['PARAM', 20]] },
  E1ADRM1: {
    source: 'confirmed',
    fields: [
      ['PARTNER_Q', 3], ['ADDRESS_T', 1], ['PARTNER_ID', 17], ['JURISDIC', 17], ['LANGUAGE', 2], ['FORMOFADDR', 15],
      ['NAME1', 40], ['NAME2', 40], ['NAME3', 40], ['NAME4', 40], ['NAME_TEXT', 50], ['NAME_CO', 40],
      ['LOCATION', 40], ['BUILDING', 10], ['FLOOR', 10], ['ROOM', 10], ['STREET1', 40], ['STREET2', 40],
      ['STREET3', 40], ['HOUSE_SUPL', 4], ['HOUSE_RANG', 10], ['POSTL_COD1', 10], ['POSTL_COD3', 10],
      ['POSTL_AREA', 15], ['CITY1', 40], ['CITY2', 40], ['POSTL_PBOX', 10], ['POSTL_COD2', 10],
      ['POSTL_CITY', 40], ['TELEPHONE1', 30], ['TELEPHONE2', 30], ['TELEFAX', 30], ['TELEX', 30], ['E_MAIL', 70],
      ['COUNTRY1', 3], ['COUNTRY2', 3], ['REGION', 3], ['COUNTRY_COD', 3], ['COUNTRY_TXT', 25], ['TZCODE', 6],
      ['TZDESC', 35],
    ],
  },
  // Partner extension (qualifier + value); lengths not confirmed.
  E1ADRE1: { source: 'unconfirmed', fields: [['EXTEND_Q', 3], ['EXTEND_D', 70]] },
  E1EDT13: {
    source: 'confirmed',
    fields: [
      ['QUALF', 3], ['VSTZW', 4], ['VSTZW_BEZ', 20], ['NTANF', 8], ['NTANZ', 6], ['NTEND', 8], ['NTENZ', 6],
      ['TZONE_BEG', 6], ['ISDD', 8], ['ISDZ', 6], ['IEDD', 8], ['IEDZ', 6], ['TZONE_END', 6], ['VORNR', 4],
      ['VSTGA', 4], ['VSTGA_BEZ', 20], ['EVENT', 10], ['EVENT_ALI', 20],
    ],
  },
  // Delivery item. Confirmed up to VFDAT. VGBEL, VGPOS, HERKL and STAWN after it are NOT confirmed
  // positions: SAP carries HERKL/STAWN in E1EDL35 and VGBEL/VGPOS further on in DELVRY07; they sit
  // here so that Lading's own E1EDL24 (which carries them, see the XML fixtures) survives a flat file.
  E1EDL24: {
    source: 'confirmed',
    unconfirmedFrom: 'VGBEL',
    fields: [
      ['POSNR', 6], ['MATNR', 18], ['MATWA', 18], ['ARKTX', 40], ['ORKTX', 40], ['SUGRD', 4], ['SUDRU', 1],
      ['MATKL', 9], ['WERKS', 4], ['LGORT', 4], ['CHARG', 10], ['KDMAT', 22], ['LFIMG', 15], ['VRKME', 3],
      ['LGMNG', 15], ['MEINS', 3], ['NTGEW', 15], ['BRGEW', 15], ['GEWEI', 3], ['VOLUM', 15], ['VOLEH', 3],
      ['LGPBE', 10], ['HIPOS', 6], ['HIEVW', 1], ['LADGR', 4], ['TRAGR', 4], ['VKBUR', 4], ['VKGRP', 3],
      ['VTWEG', 2], ['SPART', 2], ['GRKOR', 3], ['EAN11', 18], ['SERNR', 8], ['AESKD', 17], ['EMPST', 25],
      ['MFRGR', 8], ['VBRST', 14], ['LABNK', 17], ['ABRDT', 8], ['MFRPN', 40], ['MGRNR', 10], ['ABRVW', 3],
      ['KDMAT35', 35], ['KANNR', 35], ['POSEX', 6], ['LIEFFZ', 17], ['USR01', 35], ['USR02', 35], ['USR03', 35],
      ['USR04', 10], ['USR05', 10], ['MATNR_EXTERNAL', 40], ['MATNR_VERSION', 10], ['MATNR_GUID', 32],
      ['MATWA_EXTERNAL', 40], ['MATWA_VERSION', 10], ['MATWA_GUID', 32], ['ZUDAT', 20], ['VFDAT', 8],
      ['VGBEL', 10], ['VGPOS', 6], ['HERKL', 3], ['STAWN', 17],
    ],
  },
  // Item control qualifiers: shaped like E1EDL18, not confirmed.
  E1EDL19: { source: 'unconfirmed', fields: [['QUALF', 3], ['PARAM', 20]] },
  // Foreign trade data of an item.
  E1EDL35: {
    source: 'confirmed',
    fields: [['STAWN', 17], ['EXPRF', 5], ['EXART', 2], ['HERKL', 3], ['HERKR', 3], ['GRWRT', 15], ['PREFE', 1]],
  },
  // Handling unit header: field order and lengths from SAP data elements, not confirmed.
  E1EDL37: {
    source: 'unconfirmed',
    fields: [
      ['EXIDV', 20], ['TARAG', 15], ['GWEIT', 3], ['BRGEW', 15], ['NTGEW', 15], ['MAGEW', 15], ['GWEIM', 3],
      ['BTVOL', 15], ['NTVOL', 15], ['MAVOL', 15], ['VOLEM', 3], ['TAVOL', 15], ['VOLET', 3], ['VEGR2', 5],
      ['VEGR1', 5], ['VEGR3', 5], ['VHILM', 18], ['VEGR4', 5], ['LAENG', 15], ['VEGR5', 5], ['BREIT', 15],
      ['HOEHE', 15], ['MEABM', 3], ['INHALT', 40], ['VHART', 4], ['MAGRV', 4], ['LADLG', 15], ['LADEH', 3],
      ['FARZT', 15], ['FAREH', 3], ['ERNAM', 12], ['ERDAT', 8], ['ERZET', 6], ['EXIDV2', 20],
    ],
  },
  // Handling unit control (qualifier + parameter, like E1EDL18); not confirmed.
  E1EDL39: { source: 'unconfirmed', fields: [['QUALF', 3], ['PARAM', 20]] },
  // Handling unit contents; not confirmed.
  E1EDL44: {
    source: 'unconfirmed',
    fields: [
      ['VELIN', 1], ['VBELN', 10], ['POSNR', 6], ['EXIDV', 20], ['VEMNG', 15], ['VEMEH', 3], ['MATNR', 18],
      ['KDMAT', 35], ['CHARG', 10], ['WERKS', 4], ['LGORT', 4],
    ],
  },
};
