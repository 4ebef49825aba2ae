// Loaded with --require into the fuzz processes when fuzz/jazzerCompat.mjs had to make a copy
// of jazzer's prebuilt fuzzer addon: jazzer requires the prebuilt by its path, so that one
// path is pointed at the copy (HOTPATH_JAZZER_ADDON). Nothing else is touched.
'use strict';
const path = require('node:path');

const copy = process.env.HOTPATH_JAZZER_ADDON;
const prebuilt = path.join('prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
const dlopen = process.dlopen;
if (copy) {
  process.dlopen = function (module, filename, ...rest) {
    return dlopen.call(this, module, filename.endsWith(prebuilt) ? copy : filename, ...rest);
  };
}
