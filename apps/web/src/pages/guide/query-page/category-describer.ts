import { agencyName } from '../../../texts.js';
import type { Catalogue } from '../types.js';

/** "Försäkringskassan: Utbetalningar …" for a category code, from the catalogues. */
export function categoryDescriber(catalogues: Catalogue[]) {
  return (code: string) => {
    const catalogue = catalogues.find((c) => c.categories.some((x) => x.code === code));
    const category = catalogue?.categories.find((x) => x.code === code);
    return catalogue && category ? `${agencyName(catalogue.agency)}: ${category.description}` : code;
  };
}
