/** The error catalogue, part: context (threat-intel feeds, GeoIP, assets). Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of the threat-intel feeds. */
export const CONTEXT_ERRORS = defineErrors({
  CANHGAC_ERR_TI_FEED: {
    status: 502,
    message: 'Threat-intel feed {feed}: {reason}',
    meaning:
      'A threat-intel feed could not be read: the server answered an error, the answer is not the expected format (JSON, STIX, MISP manifest), or the TAXII collection is missing or not readable with these credentials.',
    remedy:
      "Check the feed's URL, credentials and collection in threatIntel.feeds; the indicators already loaded stay in use and the feed is tried again at its next refresh.",
  },
  CANHGAC_ERR_TI_INDICATORS: {
    status: 400,
    message: 'Threat-intel feed {feed}: no valid indicator ({reason})',
    meaning: 'A feed answered, but none of its entries is an indicator canhgac can match (type, value).',
    remedy: 'Check that the feed is the kind configured (misp, stix, taxii, list) and look at the first problem named.',
  },
});
