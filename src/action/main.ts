console.log('caac action');
